"""What accounts plugs into the ground floor: menu entries, trashable records, event names."""

from django.utils.translation import gettext_lazy as _

from sampo.accounts.models import Team
from sampo.core import audit, events, navigation, trash

navigation.register(
    label=_("Users"),
    url_name="accounts:users",
    section="admin",
    order=10,
    visible_to=navigation.admins_only,
)
navigation.register(
    label=_("Roles"),
    url_name="accounts:roles",
    section="admin",
    order=15,
    visible_to=navigation.admins_only,
)
navigation.register(
    label=_("Teams"),
    url_name="accounts:teams",
    section="admin",
    order=20,
    visible_to=navigation.admins_only,
)
navigation.register(
    label=_("Two-factor login"),
    url_name="accounts:two_factor_policy",
    section="admin",
    order=30,
    visible_to=navigation.admins_only,
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
events.register_event("two_factor_enabled", _("turned on two-factor login"))
events.register_event("two_factor_disabled", _("turned off two-factor login"))
events.register_event("two_factor_reset", _("reset two-factor login"))
audit.register_action("user_created", _("Added a user"))
audit.register_action("user_changed", _("Changed a user's access"))
audit.register_action("user_deactivated", _("Deactivated a user"))
audit.register_action("user_reactivated", _("Reactivated a user"))
audit.register_action("team_created", _("Created a team"))
audit.register_action("team_changed", _("Changed a team"))
audit.register_action("team_deleted", _("Deleted a team"))
audit.register_action("two_factor_enabled", _("Turned on two-factor login"))
audit.register_action("two_factor_disabled", _("Turned off two-factor login"))
audit.register_action("two_factor_reset", _("Reset a user's two-factor login"))
audit.register_action("recovery_codes_regenerated", _("Made new recovery codes"))
audit.register_action("offboarded", _("Handed a user's work over"))
audit.register_action("role_created", _("Added a role"))
audit.register_action("rights_changed", _("Changed a role's rights"))
audit.register_action("record_shared", _("Shared a record"))
audit.register_action("record_unshared", _("Stopped sharing a record"))
audit.register_action("two_factor_policy_changed", _("Changed who must use two-factor login"))
audit.register_action("api_token_created", _("Created an API token"))
audit.register_action("api_token_revoked", _("Revoked an API token"))
from sampo.accounts import demo  # noqa: E402, F401  (registers the demo loader)
