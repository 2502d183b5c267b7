from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from sampo.accounts.access import require_admin
from sampo.accounts.models import Team, User


def user_list(*, actor: User, search: str = "", active: bool | None = None) -> QuerySet[User]:
    require_admin(actor)
    users = User.objects.select_related("role").prefetch_related(
        Prefetch("teams", queryset=Team.objects.only("id", "name"))
    )
    if search:
        users = users.filter(Q(name__icontains=search) | Q(email__icontains=search))
    if active is not None:
        users = users.filter(is_active=active)
    return users.order_by("-is_active", "name")


def team_list(*, actor: User) -> QuerySet[Team]:
    require_admin(actor)
    return Team.objects.select_related("leader").annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    )


def team_members(team: Team) -> QuerySet[User]:
    return team.members.select_related("role").order_by("-is_active", "name")


def user_directory(*, actor: User) -> QuerySet[User]:
    """Every user with their role and teams, for any signed-in user: the names behind owners
    and assignees on the records they read (what the owner and assignee pickers show)."""
    if not actor.is_active:
        return User.objects.none()
    current = Team.objects.filter(deleted_at__isnull=True).only("id")
    return User.objects.select_related("role").prefetch_related(Prefetch("teams", queryset=current))


def team_directory(*, actor: User) -> QuerySet[Team]:
    """The teams (not in the trash) with leader and members, for any signed-in user."""
    if not actor.is_active:
        return Team.objects.none()
    return Team.objects.select_related("leader").prefetch_related(
        Prefetch("members", queryset=User.objects.only("id").order_by("id"))
    )
