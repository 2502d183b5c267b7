"""What the register plugs into the ground floor: menu entries, trash, demo data."""

from django.utils.translation import gettext_lazy as _

from sampo.accounts import offboarding, rights
from sampo.accounts.models import Role
from sampo.contacts import lists as contact_lists
from sampo.contacts import selectors
from sampo.contacts.models import Organization, Person
from sampo.core import custom_fields, events, navigation, schedules, search, search_index, trash
from sampo.lists import registry as lists

navigation.register(label=_("Organizations"), url_name="contacts:organizations", order=10)
navigation.register(label=_("People"), url_name="contacts:people", order=20)
navigation.register(
    label=_("Relationship types"),
    url_name="register:relationship_types",
    section="admin",
    order=30,
    visible_to=navigation.admins_only,
)
navigation.register(
    label=_("Tags"),
    url_name="register:tags",
    section="admin",
    order=40,
    visible_to=navigation.admins_only,
)
navigation.register(
    label=_("Imports"),
    url_name="contacts:imports",
    section="admin",
    order=50,
    visible_to=navigation.admins_only,
)
offboarding.register_book(
    key="organizations",
    label=_("organizations"),
    order=10,
    rows=selectors.owned_organizations,
    customer_of=lambda organization: organization.pk,
)
offboarding.register_book(
    key="people",
    label=_("people"),
    order=20,
    rows=selectors.owned_people,
    customer_of=lambda person: person.customer,
)
# The defaults of the system roles; admins change them per role in the admin pages.
_ALL: dict[str, str] = dict.fromkeys(rights.Action.values, rights.Scope.ALL)
_READS: dict[str, str] = {rights.Action.READ: rights.Scope.ALL}
REGISTER_RIGHTS: dict[str, dict[str, str]] = {
    Role.ADMIN: _ALL,
    Role.SALES_MANAGER: {**_ALL, "edit": rights.Scope.TEAM, "delete": rights.Scope.TEAM},
    Role.SALESPERSON: {**_ALL, "edit": rights.Scope.OWN, "delete": rights.Scope.OWN},
    Role.MARKETING: _READS,
    Role.SUPPORT: _READS,
    Role.READ_ONLY: _READS,
}
rights.register_record_type(
    key="contacts.organization", label=_("organizations"), defaults=REGISTER_RIGHTS, order=10
)
rights.register_record_type(
    key="contacts.person", label=_("people"), defaults=REGISTER_RIGHTS, order=20
)
custom_fields.register(key="organization", model=Organization, label=_("Organizations"))
custom_fields.register(key="person", model=Person, label=_("People"))
trash.register(Organization)
trash.register(Person)
events.register_event("joined_organization", _("added to an organization"))
events.register_event("left_organization", _("ended a membership"))
events.register_event("membership_role_changed", _("changed role in an organization"))
events.register_event("key_figures_changed", _("changed the key figures"))
events.register_event("merged", _("merged duplicates into this record"))
events.register_event("handover_requested", _("asked to take over this customer"))
events.register_event("handover_accepted", _("handed this customer over"))
events.register_event("handover_declined", _("declined to hand this customer over"))
events.register_field_label("reason", _("reason"))
events.register_field_label("answer", _("answer"))
events.register_event("merge_undone", _("undid a merge"))
# Translators: each follows the name of who ran the import ("Anna Kallio imported from a file").
events.register_event("import_created", _("imported from a file"))
events.register_event("import_updated", _("updated from an imported file"))
events.register_event("import_undone", _("undid an import"))
schedules.register(
    name="sampo:discard-stale-import-files",
    func="sampo.contacts.imports.tasks.discard_stale_import_files",
    cron="45 3 * * *",
)
search.register(
    key="organizations",
    label=_("Organizations"),
    search=selectors.organization_search_hits,
    order=10,
)
lists.register(contact_lists.ORGANIZATIONS)
lists.register(contact_lists.PEOPLE)
search.register(key="people", label=_("People"), search=selectors.person_search_hits, order=20)
# The trigram indexes the header search and the lists' text filter read (names as in
# migration 0006, which created them on PostgreSQL).
search_index.register(Organization, "name_folded", name="org_name_trgm_idx")
search_index.register(Person, "name_folded", name="person_name_trgm_idx")

from sampo.contacts import demo  # noqa: E402, F401  (registers the demo loader)
