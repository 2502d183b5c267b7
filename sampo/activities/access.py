"""Who may see and change activities; the only way a request gets one.

Until per-role rights arrive (issue 6): everyone reads activities of the register they can
read; the assignee, the creator, admins and the assignee's team leader change one.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from sampo.accounts.models import Role, User
from sampo.activities.models import Activity
from sampo.contacts.access import can_create


def can_log(user: User) -> bool:
    return can_create(user) or (user.is_active and user.role.code == Role.SUPPORT)


def can_change(user: User, activity: Activity) -> bool:
    if not can_log(user):
        return False
    if user.is_admin or user.pk in (activity.assignee_id, activity.created_by_id):
        return True
    return (
        user.role.code == Role.SALES_MANAGER
        and User.teams.through.objects.filter(
            user_id=activity.assignee_id, team__leader=user, team__deleted_at__isnull=True
        ).exists()
    )


def require_log(user: User) -> None:
    if not can_log(user):
        raise PermissionDenied


def require_change(user: User, activity: Activity) -> None:
    if not can_change(user, activity):
        raise PermissionDenied


def access_activity(user: User, pk: int, *, write: bool = False) -> Activity:
    activity = (
        Activity.objects.select_related("type", "assignee", "organization").filter(pk=pk).first()
    )
    if activity is None or not user.is_active:
        raise Http404
    if write:
        require_change(user, activity)
    return activity
