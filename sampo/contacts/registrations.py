"""What the register plugs into the ground floor: menu entries, trash, demo data."""

from django.utils.translation import gettext_lazy as _

from sampo.contacts import selectors
from sampo.contacts.models import Organization, Person
from sampo.core import events, navigation, search, trash

navigation.register(label=_("Organizations"), url_name="contacts:organizations", order=10)
navigation.register(label=_("People"), url_name="contacts:people", order=20)
trash.register(Organization)
trash.register(Person)
events.register_event("joined_organization", _("added to an organization"))
events.register_event("left_organization", _("ended a membership"))
search.register(
    key="organizations",
    label=_("Organizations"),
    search=selectors.organization_search_hits,
    order=10,
)
search.register(key="people", label=_("People"), search=selectors.person_search_hits, order=20)

from sampo.contacts import demo  # noqa: E402, F401  (registers the demo loader)
