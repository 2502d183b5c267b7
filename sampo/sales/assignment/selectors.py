"""Reads for the lead assignment admin pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from sampo.accounts.models import Team
from sampo.sales.assignment.models import AssignmentRule, TeamMemberSetting, TeamRotation
from sampo.sales.assignment.services import open_leads_by_owner, team_rotation


def rule_rows() -> QuerySet[AssignmentRule, Any]:
    return AssignmentRule.objects.select_related(
        "source", "product_interest", "web_form", "team"
    ).order_by("position", "id")


def team_rows() -> QuerySet[Team, Any]:
    return Team.objects.annotate(
        member_count=Count("members", filter=Q(members__is_active=True), distinct=True)
    ).order_by("name")


def member_rows(team: Team) -> list[dict[str, Any]]:
    """Each active member with their share, cap and open leads, for the team's page."""
    members = list(team.members.filter(is_active=True).order_by("name", "pk"))
    configured = {s.user_id: s for s in TeamMemberSetting.objects.filter(team=team)}
    held = open_leads_by_owner([m.pk for m in members])
    return [
        {
            "user": member,
            "weight": configured[member.pk].weight if member.pk in configured else 1,
            "cap": configured[member.pk].max_open_leads if member.pk in configured else None,
            "open_leads": held.get(member.pk, 0),
        }
        for member in members
    ]


def next_up(team: Team) -> Any:
    """Who the round robin is at (the next lead goes to them unless they are at their cap)."""
    order, _caps = team_rotation(team)
    if not order:
        return None
    rotation = TeamRotation.objects.filter(team=team).first()
    return order[(rotation.next_index if rotation else 0) % len(order)]
