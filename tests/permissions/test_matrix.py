"""The permission matrix: every role by every record type by own / team / other record by read,
edit and delete, against the screens themselves. One table says what each system role may do;
a record type joins by adding its row to SPEC and its screens to CASES.

A refused read is a 404 that does not name the record; a refused change writes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_user
from sampo.accounts import rights
from sampo.accounts.models import Role, Team, User
from sampo.activities import services as activities
from sampo.activities.models import Activity, ActivityType
from sampo.contacts import services as contacts
from sampo.contacts.models import Organization, Person
from sampo.sales import services as sales
from sampo.sales.models import Opportunity

pytestmark = pytest.mark.django_db

ROLES = [
    Role.ADMIN,
    Role.SALES_MANAGER,
    Role.SALESPERSON,
    Role.MARKETING,
    Role.SUPPORT,
    Role.READ_ONLY,
]
# Per record type, per role: the scope of read, create, edit and delete, in that order.
SPEC = {
    "contacts.organization": {
        Role.ADMIN: "all all all all",
        Role.SALES_MANAGER: "all all team team",
        Role.SALESPERSON: "all all own own",
        Role.MARKETING: "all none none none",
        Role.SUPPORT: "all none none none",
        Role.READ_ONLY: "all none none none",
    },
    "contacts.person": {
        Role.ADMIN: "all all all all",
        Role.SALES_MANAGER: "all all team team",
        Role.SALESPERSON: "all all own own",
        Role.MARKETING: "all none none none",
        Role.SUPPORT: "all none none none",
        Role.READ_ONLY: "all none none none",
    },
    "sales.opportunity": {
        Role.ADMIN: "all all all all",
        Role.SALES_MANAGER: "team all team team",
        Role.SALESPERSON: "team all own own",
        Role.MARKETING: "team none none none",
        Role.SUPPORT: "team none none none",
        Role.READ_ONLY: "all none none none",
    },
    "activities.activity": {
        Role.ADMIN: "all all all all",
        Role.SALES_MANAGER: "all all team team",
        Role.SALESPERSON: "all all own own",
        Role.MARKETING: "all none none none",
        Role.SUPPORT: "all all own own",
        Role.READ_ONLY: "all none none none",
    },
}
ACTIONS = ["read", "create", "edit", "delete"]


def test_every_registered_record_type_is_in_the_table_with_these_defaults():
    assert set(SPEC) == set(rights.RECORD_TYPES)
    for key, roles in SPEC.items():
        record_type = rights.RECORD_TYPES[key]
        for role, scopes in roles.items():
            expected = dict(zip(ACTIONS, scopes.split(), strict=True))
            actual = {a: rights.default_scope(role, record_type, a) for a in ACTIONS}
            assert actual == expected, (key, role)


@dataclass(frozen=True)
class Case:
    """How to make a record owned by someone, and the screens that read, edit and delete it."""

    key: str
    make: Callable[[User, User], Any]  # (owner, an admin who may write it down)
    create: tuple[str, dict[str, str]]  # POST to create one: refused means 403, nothing written
    read: str  # GET; {pk} is the record's
    edit: str  # GET of the edit form, behind the write check
    delete: str | None  # POST
    still_there: Callable[[Any], bool]


def _organization(owner: User, author: User) -> Organization:
    return contacts.organization_create(
        actor=None,
        values={"name": f"Matrix {owner.email} Oy", "owner": owner},
        allow_duplicate=True,
    )


def _person(owner: User, author: User) -> Person:
    return contacts.person_create(
        actor=None,
        values={"first_name": "Matrix", "last_name": owner.email, "owner": owner},
        allow_duplicate=True,
    )


def _opportunity(owner: User, author: User) -> Opportunity:
    return sales.opportunity_create(
        actor=None, values={"title": f"Matrix {owner.email}", "owner": owner}
    )


def _activity(owner: User, author: User) -> Activity:
    return activities.activity_schedule(
        actor=author,
        assignee=owner,
        type=ActivityType.objects.get(code="call"),
        subject=f"Matrix {owner.email}",
        day=timezone.localdate() + datetime.timedelta(days=1),
    )


CASES = [
    Case(
        "contacts.organization",
        _organization,
        ("/organizations/new/", {"name": "Uusi Matrix Oy", "country": "FI"}),
        "/organizations/{pk}/",
        "/organizations/{pk}/edit/",
        "/organizations/{pk}/delete/",
        lambda r: Organization.objects.filter(pk=r.pk).exists(),
    ),
    Case(
        "contacts.person",
        _person,
        ("/people/new/", {"first_name": "Uusi", "last_name": "Matrix", "country": "FI"}),
        "/people/{pk}/",
        "/people/{pk}/edit/",
        "/people/{pk}/delete/",
        lambda r: Person.objects.filter(pk=r.pk).exists(),
    ),
    Case(
        "sales.opportunity",
        _opportunity,
        ("/sales/opportunities/new/", {"title": "Uusi Matrix"}),
        "/sales/opportunities/{pk}/",
        "/sales/opportunities/{pk}/edit/",
        "/sales/opportunities/{pk}/delete/",
        lambda r: Opportunity.objects.filter(pk=r.pk).exists(),
    ),
    Case(
        "activities.activity",
        _activity,
        ("/activities/new/", {"type": "", "subject": "Uusi Matrix"}),
        "/activities/{pk}/calendar.ics",
        "/activities/{pk}/reschedule/",
        None,  # activities are cancelled, not deleted; cancelling is an edit
        lambda r: Activity.objects.filter(pk=r.pk).exists(),
    ),
]


def _allowed(scope: str, relation: str) -> bool:
    return (
        scope == "all"
        or (scope == "team" and relation != "other")
        or (scope == "own" and relation == "own")
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.key)
def test_each_role_reads_and_changes_exactly_what_the_table_says(client, role, case):
    acting = make_user(f"acting-{role}@sampo.test", "Acting User", role)
    teammate = make_user("mate@sampo.test", "Team Mate", Role.SALESPERSON)
    other = make_user("other@sampo.test", "Other Seller", Role.SALESPERSON)
    team = Team.objects.create(
        name="Matrix team", leader=acting if role == Role.SALES_MANAGER else None
    )
    team.members.set([acting, teammate])
    author = make_user("author@sampo.test", "Author Admin", Role.ADMIN)
    records = {
        "own": case.make(acting, author),
        "team": case.make(teammate, author),
        "other": case.make(other, author),
    }
    scopes = dict(zip(ACTIONS, SPEC[case.key][role].split(), strict=True))
    client.force_login(acting)

    model = type(records["own"])
    before = model.objects.count()
    url, data = case.create
    response = client.post(url, data)
    if scopes["create"] == "none":
        assert response.status_code == 403, "create"
        assert model.objects.count() == before
    else:
        assert response.status_code != 403, "create"

    for relation, record in records.items():
        readable = _allowed(scopes["read"], relation)
        response = client.get(case.read.format(pk=record.pk))
        assert response.status_code == (200 if readable else 404), (relation, "read")
        if not readable:
            assert f"Matrix {record}".encode() not in response.content

        editable = _allowed(scopes["edit"], relation)
        expected = 200 if editable else (403 if readable else 404)
        assert client.get(case.edit.format(pk=record.pk)).status_code == expected, (
            relation,
            "edit",
        )

    for relation, record in records.items():
        if case.delete is None:
            continue
        deletable = _allowed(scopes["delete"], relation)
        client.post(case.delete.format(pk=record.pk))
        assert case.still_there(record) is not deletable, (relation, "delete")
