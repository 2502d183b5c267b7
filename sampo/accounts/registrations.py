"""What accounts plugs into the ground floor: menu entries, trashable records, event names."""

from django.utils.translation import gettext_lazy as _

from sampo.accounts.models import Team
from sampo.core import events, navigation, trash


def _is_admin(user: object) -> bool:
    return bool(getattr(user, "is_admin", False))


navigation.register(
    label=_("Users"), url_name="accounts:users", section="admin", order=10, visible_to=_is_admin
)
navigation.register(
    label=_("Roles"), url_name="accounts:roles", section="admin", order=15, visible_to=_is_admin
)
navigation.register(
    label=_("Teams"), url_name="accounts:teams", section="admin", order=20, visible_to=_is_admin
)
trash.register(Team)
events.register_event("deactivated", _("deactivated"))
events.register_event("reactivated", _("reactivated"))
events.register_event("password_changed", _("changed the password"))
events.register_event("invited", _("sent an invitation"))
events.register_event("rights_changed", _("changed the rights"))
events.register_event("shared", _("shared it"))
events.register_event("unshared", _("stopped sharing it"))
events.register_field_label("shared_with", _("shared with"))
events.register_event("handed_over", _("handed their work over to colleagues"))
from sampo.accounts import demo  # noqa: E402, F401  (registers the demo loader)
