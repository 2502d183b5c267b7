"""Reads of activities for My day and for the timelines of register records."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from sampo.accounts.models import Role, User
from sampo.activities.models import Activity
from sampo.contacts.models import Organization, Person

UPCOMING_DAYS = 7


def _with_relations(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.select_related("type", "assignee", "organization").prefetch_related(
        Prefetch(
            "people",
            queryset=Person.objects.only(
                "id", "first_name", "last_name", "country", "preferred_language"
            ),
        )
    )


def team_member_ids(user: User) -> list[int]:
    """Users in the teams this user leads (a sales manager's team), themselves included."""
    ids = set(
        User.teams.through.objects.filter(
            team__leader=user, team__deleted_at__isnull=True
        ).values_list("user_id", flat=True)
    )
    return sorted(ids | {user.pk})


def my_day(*, user: User, team: bool = False, today: datetime.date | None = None) -> dict[str, Any]:
    """Planned work: overdue, today and the coming week, for the user or the team they lead."""
    today = today or timezone.localdate()
    assignees = team_member_ids(user) if team else [user.pk]
    planned = _with_relations(
        Activity.objects.filter(
            assignee_id__in=assignees,
            status=Activity.Status.PLANNED,
            day__lte=today + datetime.timedelta(days=UPCOMING_DAYS),
        ).order_by("day", "has_time", "when", "id")
    )
    rows = list(planned)
    return {
        "overdue": [a for a in rows if a.day < today],
        "today": [a for a in rows if a.day == today],
        "upcoming": [a for a in rows if a.day > today],
        "can_see_team": user.role.code in {Role.SALES_MANAGER, Role.ADMIN},
    }


def organization_timeline(organization: Organization, *, limit: int = 50) -> list[Activity]:
    """What was done and is planned with the organization and with its people, newest first."""
    with_its_people = Activity.people.through.objects.filter(
        person__memberships__organization=organization
    ).values("activity_id")
    activities = Activity.objects.filter(
        Q(organization=organization) | Q(pk__in=with_its_people)
    ).exclude(status=Activity.Status.CANCELLED)
    return list(_with_relations(activities).order_by("-when", "-id")[:limit])


def person_timeline(person: Person, *, limit: int = 50) -> list[Activity]:
    activities = Activity.objects.filter(people=person).exclude(status=Activity.Status.CANCELLED)
    return list(_with_relations(activities).order_by("-when", "-id")[:limit])
