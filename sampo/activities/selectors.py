"""Reads of activities for My day and for the timelines of register records."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import (
    Count,
    Exists,
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
from sampo.activities import regarding
from sampo.activities.access import can_log, visible
from sampo.activities.following import is_following
from sampo.activities.models import Activity, ActivityType
from sampo.contacts.models import Organization, Person
from sampo.core.models import HistoryEntry
from sampo.core.selectors import history_of

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
    with_regarding_links(user, rows)
    return {
        "overdue": [a for a in rows if a.day < today],
        "today": [a for a in rows if a.day == today],
        "upcoming": [a for a in rows if a.day > today],
        "can_see_team": user.role.code in {Role.SALES_MANAGER, Role.ADMIN},
    }


# The type filter that shows only the record's changes; activity type codes are slugs, which
# never start with "_", so no admin-made type can take it.
CHANGES = "_changes"


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a timeline: an activity, or a change to the record itself."""

    when: datetime.datetime
    activity: Activity | None = None
    change: HistoryEntry | None = None

    @property
    def order(self) -> tuple[datetime.datetime, int, int]:
        # Newest first; at the same moment an activity before a change, then the higher id.
        if self.activity is not None:
            return (self.when, 1, self.activity.pk)
        return (self.when, 0, self.change.pk if self.change else 0)

    @property
    def cursor(self) -> str:
        when, rank, pk = self.order
        return f"{when.isoformat()}_{'a' if rank else 'h'}{pk}"


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    next_cursor: str  # where the next page starts; "" on the last page


def record_activities(record: models.Model) -> QuerySet[Activity]:
    """A person's activities; an organization's and its people's; or those regarding a record
    of a higher domain (an opportunity)."""
    if isinstance(record, Organization):
        with_its_people = Activity.people.through.objects.filter(
            person__memberships__organization=record
        ).values("activity_id")
        return Activity.objects.filter(Q(organization=record) | Q(pk__in=with_its_people))
    if isinstance(record, Person):
        return Activity.objects.filter(people=record)
    return Activity.objects.filter(
        regarding_type=ContentType.objects.get_for_model(type(record), for_concrete_model=False),
        regarding_id=record.pk,
    )


def timeline(
    *,
    user: User,
    record: models.Model,
    type_code: str = "",
    cursor: str = "",
    limit: int = TIMELINE_PAGE,
) -> TimelinePage:
    """What was done and is planned with a record, interleaved with the changes made to it,
    newest first, a page at a time. The cursor is the last entry's (when, kind, id): paging
    never counts the rows nor skips an offset, however long the history. Each source gives at
    most one page, and the two are merged."""
    after = _parse_cursor(cursor)
    entries: list[TimelineEntry] = []
    if type_code != CHANGES:

        def narrowed(rows: QuerySet[Activity]) -> QuerySet[Activity]:
            rows = rows.filter(visible(user)).exclude(status=Activity.Status.CANCELLED)
            if type_code:
                rows = rows.filter(type__code=type_code)
            return rows.filter(_activities_after(*after)) if after else rows

        chosen = _newest_activity_ids(narrowed, record, limit + 1)
        rows = _with_relations(Activity.objects.filter(pk__in=chosen))
        page = list(rows.order_by("-when", "-id"))
        with_regarding_links(user, page)
        entries += [TimelineEntry(a.when, activity=a) for a in page]
    if type_code in ("", CHANGES):
        changes = history_of(record)
        if after:
            changes = changes.filter(_changes_after(*after))
        entries += [TimelineEntry(c.created_at, change=c) for c in changes[: limit + 1]]
    entries.sort(key=lambda e: e.order, reverse=True)
    if len(entries) <= limit:
        return TimelinePage(entries, "")
    return TimelinePage(entries[:limit], entries[limit - 1].cursor)


def _newest_activity_ids(
    narrowed: Callable[[QuerySet[Activity]], QuerySet[Activity]], record: models.Model, count: int
) -> list[int]:
    """The ids of the `count` newest activities of the record that pass `narrowed` (the
    user's visibility, the type, the cursor), newest first by when, then id.

    An organization's rows are its own activities or those of its people. Asked as one
    query, the OR made both databases read every activity of every person of the company
    (8,000 for the biggest customer) and sort them for a page of 20. Instead its own newest
    come from activity_org_timeline_idx; they bound the moment the page can reach back to,
    and only its people's activities since that moment are read (activity_when_idx): none
    older can be on the page, since its own already fill it."""
    newest = ("-when", "-id")
    if not isinstance(record, Organization):
        rows = narrowed(record_activities(record)).order_by(*newest)
        return list(rows.values_list("pk", flat=True)[:count])
    own_rows = narrowed(Activity.objects.filter(organization=record)).order_by(*newest)
    own = list(own_rows.values_list("when", "pk")[:count])
    people = Activity.people.through.objects.filter(
        activity_id=OuterRef("pk"), person__memberships__organization=record
    )
    theirs = narrowed(Activity.objects.filter(Exists(people)))
    if len(own) == count:
        theirs = theirs.filter(when__gte=own[-1][0])
    found = set(own) | set(theirs.order_by(*newest).values_list("when", "pk")[:count])
    return [pk for _when, pk in sorted(found, reverse=True)[:count]]


def _activities_after(when: datetime.datetime, rank: int, pk: int) -> Q:
    if rank == 0:  # after a change: the activities of that moment came before it
        return Q(when__lt=when)
    return Q(when__lt=when) | Q(when=when, id__lt=pk)


def _changes_after(when: datetime.datetime, rank: int, pk: int) -> Q:
    if rank == 1:  # after an activity: every change of that moment is still to come
        return Q(created_at__lte=when)
    return Q(created_at__lt=when) | Q(created_at=when, id__lt=pk)


def _parse_cursor(cursor: str) -> tuple[datetime.datetime, int, int] | None:
    when, _, position = cursor.rpartition("_")
    kind, pk = position[:1], position[1:]
    try:
        moment = datetime.datetime.fromisoformat(when)
    except ValueError:
        return None
    if kind not in ("a", "h") or not pk.isdigit() or timezone.is_naive(moment):
        return None
    return moment, int(kind == "a"), int(pk)


def with_regarding_links(user: User, activities: list[Activity]) -> None:
    """Sets `regarding_link` (label, url) on each activity whose "regarding" record the user
    may see; the others get None, so a title the user may not read never reaches the page."""
    wanted: dict[int, set[int]] = {}
    for activity in activities:
        activity.regarding_link = None  # type: ignore[attr-defined]
        if activity.regarding_type_id and activity.regarding_id:
            wanted.setdefault(activity.regarding_type_id, set()).add(activity.regarding_id)
    links = {
        type_id: regarding.links(user, ContentType.objects.get_for_id(type_id), ids)
        for type_id, ids in wanted.items()
    }
    for activity in activities:
        if activity.regarding_type_id and activity.regarding_id:
            found = links[activity.regarding_type_id].get(activity.regarding_id)
            activity.regarding_link = found  # type: ignore[attr-defined]


def timeline_panel(user: Any, *, record: models.Model, type_code: str = "") -> dict[str, Any]:
    """The context of activities/_timeline.html, for a record page or the timeline view."""
    return {
        "page": timeline(user=user, record=record, type_code=type_code),
        "types": ActivityType.objects.all(),
        "type_code": type_code,
        "changes_code": CHANGES,
        "can_log": can_log(user),
        "can_follow": isinstance(record, Organization | Person),
        "following": isinstance(record, Organization | Person) and is_following(user, record),
        "target": timeline_target(record),
        "show_customer": not isinstance(record, Organization),
        # On the page of the record the activities are regarding, saying so is noise.
        "hide_regarding": not isinstance(record, Organization | Person),
    }


def timeline_target(record: models.Model) -> str:
    """The query string naming the record, for the timeline, follow and new-activity links."""
    if isinstance(record, Organization):
        return f"organization={record.pk}"
    if isinstance(record, Person):
        return f"person={record.pk}"
    return f"regarding={regarding.key_for(record)}"


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


def assigned_planned_activities(user: User) -> QuerySet[Activity]:
    """What an off-boarding hands over: the user's planned activities; done ones stay theirs."""
    return Activity.objects.filter(assignee=user, status=Activity.Status.PLANNED).order_by(
        "when", "pk"
    )
