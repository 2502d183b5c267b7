"""The permission matrix through the API: the same SPEC table as the screens'
(tests/permissions/test_matrix.py), each role by own / team / other record by read, create, edit,
delete, with a write token. A hidden record is a 404 (and absent from the list), a refused write
a 403 that writes nothing. A resource joins with one line in API_CASES; a line whose path the
API does not serve (yet) is skipped, so the other resources' lines wait here for their routers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import Model

from conftest import make_user
from sampo.accounts.models import Role, Team, User
from sampo.activities.models import Activity
from sampo.api.main import api
from sampo.contacts.models import Organization, Person
from sampo.sales.models import Opportunity
from tests.permissions.test_matrix import (
    ACTIONS,
    ROLES,
    SPEC,
    _activity,
    _allowed,
    _opportunity,
    _organization,
    _person,
)

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class ApiCase:
    key: str  # the record type's row in SPEC
    path: str  # the collection, e.g. /organizations; a record is {path}/{pk}
    model: type[Model]
    make: Callable[[User, User], Any]  # (owner, an admin author), as in the screens' matrix
    create: dict[str, Any]
    edit: dict[str, Any]


API_CASES = [
    ApiCase(
        "contacts.organization",
        "/organizations",
        Organization,
        _organization,
        {"name": "Uusi Matrix Oy", "allow_duplicate": True},
        {"city": "Tampere"},
    ),
    ApiCase(
        "contacts.person",
        "/people",
        Person,
        _person,
        {"first_name": "Uusi", "last_name": "Matrix", "allow_duplicate": True},
        {"city": "Tampere"},
    ),
    ApiCase(
        "sales.opportunity",
        "/opportunities",
        Opportunity,
        _opportunity,
        {"title": "Uusi"},
        {"title": "Muutettu"},
    ),
    ApiCase(
        "activities.activity",
        "/activities",
        Activity,
        _activity,
        {"type": "call", "subject": "Uusi"},
        {"subject": "Muutettu"},
    ),
]


def _served(path: str) -> bool:
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    return f"/api/v1{path}" in document["paths"]


def test_every_record_type_of_the_table_has_an_api_line():
    assert {case.key for case in API_CASES} == set(SPEC)


def _world(role: str, case: ApiCase) -> tuple[User, dict[str, Any]]:
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
    return acting, records


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", API_CASES, ids=lambda c: c.key)
def test_each_role_reads_and_changes_through_the_api_what_the_table_says(
    settings, api_as, role, case
):
    if not _served(case.path):
        pytest.skip(f"the API does not serve {case.path} on this branch")
    settings.SAMPO_API_RATE_LIMIT_PER_MINUTE = 0
    acting, records = _world(role, case)
    scopes = dict(zip(ACTIONS, SPEC[case.key][role].split(), strict=True))
    client = api_as(acting, "write")
    manager = case.model._default_manager

    before = manager.count()
    created = client.post(case.path, case.create)
    if scopes["create"] == "none":
        assert created.status_code == 403, ("create", created.content)
        assert manager.count() == before
    else:
        assert created.status_code not in (401, 403, 404, 500), ("create", created.content)

    listed = {item["id"] for item in client.get(case.path, {"limit": 200}).json().get("items", [])}
    for relation, record in records.items():
        readable = _allowed(scopes["read"], relation)
        read = client.get(f"{case.path}/{record.pk}")
        assert read.status_code == (200 if readable else 404), (relation, "read")
        assert (record.pk in listed) is readable, (relation, "list")

        version = getattr(manager.get(pk=record.pk), "version", None)
        editable = _allowed(scopes["edit"], relation)
        edited = client.patch(f"{case.path}/{record.pk}", case.edit)
        if editable:
            assert edited.status_code not in (401, 403, 404, 500), (relation, "edit")
        else:
            assert edited.status_code == (403 if readable else 404), (relation, "edit")
            assert getattr(manager.get(pk=record.pk), "version", None) == version

    for relation, record in records.items():
        deletable = _allowed(scopes["delete"], relation)
        deleted = client.delete(f"{case.path}/{record.pk}")
        if deleted.status_code == 405:
            continue  # a type that is not deleted (activities are cancelled)
        still_there = manager.filter(pk=record.pk).exists()
        assert still_there is not deletable, (relation, "delete", deleted.status_code)
        if not deletable:
            readable = _allowed(scopes["read"], relation)
            assert deleted.status_code == (403 if readable else 404), (relation, "delete")
