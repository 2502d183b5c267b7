"""The only way a request gets a user or team row for the admin pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from sampo.accounts.models import Team, User


def require_admin(user: User) -> None:
    if not user.is_authenticated or not user.is_admin:
        raise PermissionDenied


def access_user(actor: User, pk: int) -> User:
    require_admin(actor)
    return get_object_or_404(User.objects.select_related("role"), pk=pk)


def access_team(actor: User, pk: int) -> Team:
    require_admin(actor)
    return get_object_or_404(Team.objects.select_related("leader"), pk=pk)
