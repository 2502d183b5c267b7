"""Who may see and change register records, and the only way a request gets one.

Until per-role rights arrive (issue 6), the defaults a CRM ships with: every active user reads
the whole register; admins change anything; a sales manager changes the records of the teams
they lead; a salesperson changes their own; read-only, marketing and support users read.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from sampo.accounts.models import Role, User
from sampo.contacts.models import Organization, Person

CREATORS = {Role.ADMIN, Role.SALES_MANAGER, Role.SALESPERSON}


def can_create(user: User) -> bool:
    return user.is_active and (user.is_superuser or user.role.code in CREATORS)


def require_export(user: User) -> None:
    """Exports hold what the lists show, so whoever reads the register may take it along."""
    if not user.is_active:
        raise PermissionDenied


def can_edit(user: User, record: Organization | Person) -> bool:
    if not can_create(user):
        return False
    if user.is_admin or record.owner_id == user.pk:
        return True
    if user.role.code == Role.SALES_MANAGER:
        return User.teams.through.objects.filter(
            user_id=record.owner_id, team__leader=user, team__deleted_at__isnull=True
        ).exists()
    return False


def editable(user: User) -> Q:
    """`can_edit` as a condition, for changing many records at once (bulk actions)."""
    if not can_create(user):
        return Q(pk__in=[])
    if user.is_admin:
        return Q()
    condition = Q(owner_id=user.pk)
    if user.role.code == Role.SALES_MANAGER:
        led = User.teams.through.objects.filter(team__leader=user, team__deleted_at__isnull=True)
        condition |= Q(owner_id__in=led.values("user_id"))
    return condition


def require_create(user: User) -> None:
    if not can_create(user):
        raise PermissionDenied


def require_edit(user: User, record: Organization | Person) -> None:
    if not can_edit(user, record):
        raise PermissionDenied


def _get(model: Any, user: User, pk: int, *, write: bool) -> Any:
    record = model.objects.select_related("owner").filter(pk=pk).first()
    if record is None or not user.is_active:
        raise Http404
    if write:
        require_edit(user, record)
    return record


def access_organization(user: User, pk: int, *, write: bool = False) -> Organization:
    return _get(Organization, user, pk, write=write)


def access_person(user: User, pk: int, *, write: bool = False) -> Person:
    return _get(Person, user, pk, write=write)
