"""Who may see and change register records, and the only way a request gets one.

The rights are the roles' (accounts.rights); the defaults this app registers for the system
roles: every active user reads the whole register; admins change anything; a sales manager
changes their teams' records; a salesperson their own; read-only, marketing and support users
read. Hidden records are not found (404), never a "forbidden" that would confirm they exist.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from sampo.accounts import rights
from sampo.accounts.models import User
from sampo.contacts.models import Organization, Person

Record = Organization | Person


def _key(model: type[Record] | Record) -> str:
    return rights.key_of(model)


def visible(user: User, model: type[Record]) -> Q:
    """The records of the model the user may read, as a condition for any query on it."""
    return rights.rows_q(user, _key(model), rights.Action.READ)


def visible_pk(user: User, record: Record) -> bool:
    """Whether the user may read this record (a query: for a few records, not for lists)."""
    model = type(record)
    return model.objects.filter(visible(user, model), pk=record.pk).exists()


def reads_all(user: User, model: type[Record]) -> bool:
    return rights.scope(user, _key(model), rights.Action.READ) == rights.Scope.ALL


def can_create(user: User, model: type[Record] = Organization) -> bool:
    return rights.may(user, _key(model), rights.Action.CREATE)


def require_export(user: User) -> None:
    """Exports hold what the lists show (filtered by `visible`), so whoever reads the register
    may take it along."""
    if not rights.may(user, _key(Organization), rights.Action.READ):
        raise PermissionDenied


def can_edit(user: User, record: Record) -> bool:
    return rights.allows(user, record, rights.Action.EDIT)


def can_delete(user: User, record: Record) -> bool:
    return rights.allows(user, record, rights.Action.DELETE)


def editable(model: type[Record]) -> Any:
    """`can_edit` as a query condition for the model, for bulk actions on many records."""

    def condition(user: User) -> Q:
        return rights.rows_q(user, _key(model), rights.Action.EDIT)

    return condition


def require_create(user: User, model: type[Record] = Organization) -> None:
    if not can_create(user, model):
        raise PermissionDenied


def require_edit(user: User, record: Record) -> None:
    if not can_edit(user, record):
        raise PermissionDenied


def require_delete(user: User, record: Record) -> None:
    if not can_delete(user, record):
        raise PermissionDenied


def _get(model: Any, user: User, pk: int, *, write: bool) -> Any:
    record = model.objects.select_related("owner").filter(visible(user, model), pk=pk).first()
    if record is None:
        raise Http404
    if write:
        require_edit(user, record)
    return record


def access_organization(user: User, pk: int, *, write: bool = False) -> Organization:
    return _get(Organization, user, pk, write=write)


def access_person(user: User, pk: int, *, write: bool = False) -> Person:
    return _get(Person, user, pk, write=write)
