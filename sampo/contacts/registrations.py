"""What the register plugs into the ground floor: menu entries, trash, demo data."""

from django.utils.translation import gettext_lazy as _

from sampo.contacts.models import Organization, Person
from sampo.core import navigation, trash

navigation.register(label=_("Organizations"), url_name="contacts:organizations", order=10)
navigation.register(label=_("People"), url_name="contacts:people", order=20)
trash.register(Organization)
trash.register(Person)

from sampo.contacts import demo  # noqa: E402, F401  (registers the demo loader)
