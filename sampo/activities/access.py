"""Who may see and change activities; the only way a request gets one.

The rights are the roles' (accounts.rights); the defaults this app registers for the system
roles: everyone reads the activities of the register they can read; admins change any; a sales
manager those of their teams; a salesperson or support user those assigned to them or that
they made; marketing and read-only users log none.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from sampo.accounts import rights
from sampo.accounts.models import User
from sampo.activities.models import Activity

KEY = "activities.activity"


def visible(user: User) -> Q:
    return rights.rows_q(user, KEY, rights.Action.READ)


def reads_all(user: User) -> bool:
    return rights.scope(user, KEY, rights.Action.READ) == rights.Scope.ALL


def can_read(user: User, activity: Activity) -> bool:
    return rights.allows(user, activity, rights.Action.READ)


def can_log(user: User) -> bool:
    return rights.may(user, KEY, rights.Action.CREATE)


def can_change(user: User, activity: Activity) -> bool:
    return rights.allows(user, activity, rights.Action.EDIT)


def can_delete(user: User, activity: Activity) -> bool:
    return rights.allows(user, activity, rights.Action.DELETE)


def require_delete(user: User, activity: Activity) -> None:
    if not can_delete(user, activity):
        raise PermissionDenied


def require_log(user: User) -> None:
    if not can_log(user):
        raise PermissionDenied


def require_change(user: User, activity: Activity) -> None:
    if not can_change(user, activity):
        raise PermissionDenied


def access_activity(user: User, pk: int, *, write: bool = False) -> Activity:
    activity = (
        Activity.objects.select_related("type", "assignee", "organization")
        .filter(visible(user), pk=pk)
        .first()
    )
    if activity is None:
        raise Http404
    if write:
        require_change(user, activity)
    return activity
