"""Who may see and change leads and opportunities; the only way a request gets one.

Deals are less public than the register (where every active user reads everything):
- everyone sees the opportunities they own and those of their teams (an opportunity's team, or
  an owner who is in one of the user's teams, as member or leader);
- admins and read-only users see all of them;
- changing follows the register: admins change any, the owner their own, a sales manager those
  of the teams they lead; read-only, marketing and support users change none.
Pipelines, stages, sources and lost reasons are readable by every active user and changed by
admins only.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from sampo.accounts.models import Role, Team, User
from sampo.contacts.access import can_create as can_create_records
from sampo.sales.models import Opportunity, Pipeline

SEES_ALL = {Role.ADMIN, Role.READ_ONLY}


def sees_all(user: User) -> bool:
    return user.is_superuser or user.role.code in SEES_ALL


def _team_ids(user: User) -> QuerySet[Team, Any]:
    return Team.objects.filter(Q(members=user) | Q(leader=user), deleted_at__isnull=True).values(
        "pk"
    )


def visible(user: User) -> Q:
    """The opportunities the user may see, as a condition for any query (no extra query)."""
    if not user.is_active:
        return Q(pk__in=[])
    if sees_all(user):
        return Q()
    teams = _team_ids(user)
    teammates = User.teams.through.objects.filter(team_id__in=teams).values("user_id")
    return Q(owner=user) | Q(team_id__in=teams) | Q(owner_id__in=teammates)


def can_create(user: User) -> bool:
    return can_create_records(user)


def require_create(user: User) -> None:
    if not can_create(user):
        raise PermissionDenied


def can_edit(user: User, opportunity: Opportunity) -> bool:
    if not can_create(user):
        return False
    if user.is_admin or opportunity.owner_id == user.pk:
        return True
    if user.role.code != Role.SALES_MANAGER:
        return False
    led = Team.objects.filter(leader=user, deleted_at__isnull=True)
    return (
        opportunity.team_id is not None and led.filter(pk=opportunity.team_id).exists()
    ) or User.teams.through.objects.filter(
        user_id=opportunity.owner_id, team__in=led.values("pk")
    ).exists()


def require_edit(user: User, opportunity: Opportunity) -> None:
    if not can_edit(user, opportunity):
        raise PermissionDenied


def access_opportunity(user: User, pk: int, *, write: bool = False) -> Opportunity:
    opportunity = (
        Opportunity.objects.filter(visible(user), pk=pk)
        .select_related(
            "owner",
            "team",
            "pipeline",
            "stage",
            "organization",
            "person",
            "source",
            "lost_reason",
            "product_interest",
        )
        .first()
    )
    if opportunity is None:
        raise Http404
    if write:
        require_edit(user, opportunity)
    return opportunity


def access_pipeline(user: User, pk: int) -> Pipeline:
    pipeline = Pipeline.objects.select_related("team").filter(pk=pk).first()
    if pipeline is None or not user.is_active:
        raise Http404
    return pipeline
