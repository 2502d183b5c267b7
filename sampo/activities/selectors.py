"""Reads of activities for My day and for the timelines of register records."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from sampo.accounts.models import Role, User
from sampo.activities.access import can_log
from sampo.activities.following import is_following
from sampo.activities.models import Activity, ActivityType
from sampo.contacts.models import Organization, Person

UPCOMING_DAYS = 7
TIMELINE_PAGE = 20


def _with_relations(activities: QuerySet[Activity]) -> QuerySet[Activity]:
    return activities.select_related("type", "assignee", "organization").prefetch_related(
        Prefetch(
            "people",
            queryset=Person.objects.only(
                "id", "first_name", "last_name", "country", "preferred_language"
            ),
        ),
        "attachments",
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


@dataclass(frozen=True)
class TimelinePage:
    activities: list[Activity]
    next_cursor: str  # where the next page starts; "" on the last page


def timeline(
    *,
    organization: Organization | None = None,
    person: Person | None = None,
    type_code: str = "",
    cursor: str = "",
    limit: int = TIMELINE_PAGE,
) -> TimelinePage:
    """What was done and is planned with a person, or with an organization and its people,
    newest first, a page at a time. The cursor is the last row's (when, id): paging never
    counts the rows nor skips an offset, however long the history."""
    if organization is not None:
        with_its_people = Activity.people.through.objects.filter(
            person__memberships__organization=organization
        ).values("activity_id")
        rows = Activity.objects.filter(Q(organization=organization) | Q(pk__in=with_its_people))
    else:
        rows = Activity.objects.filter(people=person)
    rows = rows.exclude(status=Activity.Status.CANCELLED)
    if type_code:
        rows = rows.filter(type__code=type_code)
    if after := _parse_cursor(cursor):
        rows = rows.filter(Q(when__lt=after[0]) | Q(when=after[0], id__lt=after[1]))
    page = list(_with_relations(rows).order_by("-when", "-id")[: limit + 1])
    if len(page) <= limit:
        return TimelinePage(page, "")
    last = page[limit - 1]
    return TimelinePage(page[:limit], f"{last.when.isoformat()}_{last.pk}")


def timeline_panel(
    user: Any, *, organization: Any = None, person: Any = None, type_code: str = ""
) -> dict[str, Any]:
    """The context of activities/_timeline.html, for a 360° page or the timeline view."""
    record = organization or person
    kind = "organization" if organization is not None else "person"
    return {
        "page": timeline(organization=organization, person=person, type_code=type_code),
        "types": ActivityType.objects.all(),
        "type_code": type_code,
        "can_log": can_log(user),
        "following": is_following(user, record),
        "target": f"{kind}={record.pk}",
        "show_customer": person is not None,
    }


def _parse_cursor(cursor: str) -> tuple[datetime.datetime, int] | None:
    when, _, pk = cursor.rpartition("_")
    try:
        moment = datetime.datetime.fromisoformat(when)
    except ValueError:
        return None
    if not pk.isdigit() or timezone.is_naive(moment):
        return None
    return moment, int(pk)


def activity_type_list() -> QuerySet[ActivityType]:
    """The types in their order, each with how many activities (not in the trash) use it."""
    uses = (
        Activity.objects.filter(type=OuterRef("pk"))
        .order_by()
        .values("type")
        .annotate(n=Count("*"))
        .values("n")
    )
    return ActivityType.objects.annotate(
        activity_count=Coalesce(Subquery(uses, output_field=IntegerField()), Value(0))
    ).order_by("position", "name")
