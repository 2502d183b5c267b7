"""The register's lists as the lists app knows them: saved views and bulk actions on the
organization and people lists (tags, owner, export, trash; see sampo/lists/bulk.py)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy as _

from sampo.accounts.models import User
from sampo.contacts import access, selectors, views
from sampo.contacts.models import Organization, Person
from sampo.lists.registry import ListSpec


def _organization_rows(user: User, query: QueryDict) -> Any:
    return selectors.organization_rows(user=user, **views.organization_filters(query))


def _person_rows(user: User, query: QueryDict) -> Any:
    return selectors.person_rows(user=user, **views.person_filters(query))


def _organization_file(rows: Any, fmt: str) -> HttpResponseBase:
    return views.list_file("organizations", rows, fmt)


def _person_file(rows: Any, fmt: str) -> HttpResponseBase:
    return views.list_file("people", rows, fmt)


ORGANIZATIONS = ListSpec(
    key="organizations",
    label=_("Organizations"),
    url_name="contacts:organizations",
    model=Organization,
    rows=_organization_rows,
    editable=access.editable(Organization),
    can_change=access.can_create,
    export=_organization_file,
)
PEOPLE = ListSpec(
    key="people",
    label=_("People"),
    url_name="contacts:people",
    model=Person,
    rows=_person_rows,
    editable=access.editable(Person),
    can_change=lambda user: access.can_create(user, Person),
    export=_person_file,
)
