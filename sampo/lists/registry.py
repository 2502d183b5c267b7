"""The record lists that have saved views and bulk actions, registered by their domains.

This app sits on the accounts floor: it knows users and teams, never a domain. A domain
registers each of its lists (in its `registrations.py`) with what the saved views and the bulk
actions need to know of it: where the list lives, how its query string becomes rows, which
rows a user may change, how it exports, and any actions of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet
from django.http import Http404, QueryDict
from django.http.response import HttpResponseBase

if TYPE_CHECKING:
    from sampo.accounts.models import User
    from sampo.lists.bulk import Action


@dataclass(frozen=True)
class ListSpec:
    key: str  # in URLs and stored with saved views: never rename one that was shipped
    label: Any  # a lazy translation ("People")
    url_name: str  # the list page
    model: type[Model]
    # The list's rows for a query string (its filters and sort), visibility applied: the same
    # selector the page uses, so "everything that matches" means what the user sees.
    rows: Callable[[User, QueryDict], QuerySet[Any]]
    # The rows the user may change, as a condition (the domain's access.can_edit in SQL).
    editable: Callable[[User], Q]
    # Whether the user may change records of this list at all (offers the change actions).
    can_change: Callable[[User], bool]
    # The selected rows as a file in one of `export_formats` ("csv", "xlsx").
    export: Callable[[QuerySet[Any], str], HttpResponseBase]
    export_formats: tuple[str, ...] = ("csv", "xlsx")
    extra_actions: tuple[Action, ...] = field(default_factory=tuple)


LISTS: dict[str, ListSpec] = {}


def register(spec: ListSpec) -> None:
    LISTS[spec.key] = spec


def list_spec(key: str) -> ListSpec:
    """The list named in a URL; an unknown key is a 404 like any missing page."""
    spec = LISTS.get(key)
    if spec is None:
        raise Http404
    return spec
