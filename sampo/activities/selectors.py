"""Reads of activities for My day and for the timelines of register records."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
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
from sampo.activities import regarding
from sampo.activities.access import can_log, visible
from sampo.activities.following import is_following
from sampo.activities.models import Activity, ActivityType
from sampo.contacts import access as contacts_access
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


MY_DAY_SECTIONS = ("overdue", "today", "upcoming")
# How many activities a section of My day shows before "Show more": a busy salesperson has
# hundreds planned (358 in the benchmark), and the page rendered all of them (900 ms).
MY_DAY_PAGE = 20


def _my_day_rows(
    user: User, team: bool, today: datetime.date
) -> tuple[QuerySet[Activity], dict[str, Q]]:
    """The planned activities My day is made of, and the condition of each section."""
    assignees = team_member_ids(user) if team else [user.pk]
    planned = Activity.objects.filter(
        assignee_id__in=assignees,
        status=Activity.Status.PLANNED,
        day__lte=today + datetime.timedelta(days=UPCOMING_DAYS),
    )
    sections = {"overdue": Q(day__lt=today), "today": Q(day=today), "upcoming": Q(day__gt=today)}
    return planned, sections


MY_DAY_ORDER = ("day", "has_time", "when", "id")


def _my_day_ids(rows: QuerySet[Activity], offset: int, limit: int) -> tuple[list[int], bool]:
    """The ids of one page of a section, in the order of the day, sliced on the bare rows
    (activity_my_day_idx), and whether more follow."""
    ids = rows.order_by(*MY_DAY_ORDER).values_list("pk", flat=True)
    found = list(ids[offset : offset + limit + 1])
    return found[:limit], len(found) > limit


def _my_day_activities(user: User, ids: list[int]) -> list[Activity]:
    """Only the activities shown are joined and prefetched, with their regarding links."""
    rows = list(_with_relations(Activity.objects.filter(pk__in=ids)).order_by(*MY_DAY_ORDER))
    with_regarding_links(user, rows)
    return rows


def my_day(
    *,
    user: User,
    team: bool = False,
    today: datetime.date | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Planned work: overdue, today and the coming week, for the user or the team they lead.
    Each section shows its first `limit` activities (the oldest first) and how many it has
    in all; `my_day_section` gives the rest a page at a time. The same queries for one
    activity or a thousand."""
    today = today or timezone.localdate()
    limit = limit or MY_DAY_PAGE
    planned, sections = _my_day_rows(user, team, today)
    counts = planned.aggregate(
        **{name: Count("pk", filter=condition) for name, condition in sections.items()}
    )
    context: dict[str, Any] = {"can_see_team": user.role.code in {Role.SALES_MANAGER, Role.ADMIN}}
    pages = {name: _my_day_ids(planned.filter(q), 0, limit) for name, q in sections.items()}
    shown = _my_day_activities(user, [pk for ids, _ in pages.values() for pk in ids])
    for name, (ids, has_more) in pages.items():
        wanted = set(ids)
        context[name] = [activity for activity in shown if activity.pk in wanted]
        context[f"{name}_count"] = counts[name]
        context[f"{name}_more"] = has_more
    return context


def my_day_section(
    *,
    user: User,
    section: str,
    team: bool = False,
    offset: int = 0,
    today: datetime.date | None = None,
    limit: int | None = None,
) -> tuple[list[Activity], bool]:
    """The next activities of one section of My day ("Show more"), and whether more follow."""
    today = today or timezone.localdate()
    limit = limit or MY_DAY_PAGE
    planned, sections = _my_day_rows(user, team, today)
    ids, has_more = _my_day_ids(planned.filter(sections[section]), offset, limit)
    return _my_day_activities(user, ids), has_more


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


def record_activities(record: models.Model) -> list[QuerySet[Activity]]:
    """The activities of a record's timeline, as parts that never overlap, so that each can
    be read newest first on its own index: a person's; an organization's own, and those of
    its people logged elsewhere (or on no organization); or those regarding a record of a
    higher domain (an opportunity)."""
    if isinstance(record, Organization):
        with_its_people = Activity.people.through.objects.filter(
            person__memberships__organization=record
        ).values("activity_id")
        elsewhere = Q(organization__isnull=True) | ~Q(organization=record)
        return [
            Activity.objects.filter(organization=record),
            Activity.objects.filter(elsewhere, pk__in=with_its_people),
        ]
    if isinstance(record, Person):
        return [Activity.objects.filter(people=record)]
    return [
        Activity.objects.filter(
            regarding_type=ContentType.objects.get_for_model(
                type(record), for_concrete_model=False
            ),
            regarding_id=record.pk,
        )
    ]


def _timeline_activities(
    user: User,
    record: models.Model,
    type_code: str,
    after: tuple[datetime.datetime, int, int] | None,
    limit: int,
) -> list[Activity]:
    """At most `limit` activities of the record's timeline older than the cursor, newest
    first. Each part gives its newest ids (an index read that stops early: the organization's
    own through activity_org_timeline_idx); only the page is joined and prefetched. One
    query with "organization = ? OR id IN (its people's)" could use no index for the order
    and sorted every match (12,000 activities of the biggest benchmark customer: 100-200 ms)."""
    ordering = ("-when", "-id")
    found: list[tuple[datetime.datetime, int]] = []
    for rows in record_activities(record):
        rows = rows.filter(visible(user)).exclude(status=Activity.Status.CANCELLED)
        if type_code:
            rows = rows.filter(type__code=type_code)
        if after:
            rows = rows.filter(_activities_after(*after))
        if len(found) >= limit:
            # A full page from the parts before bounds how far back this one can matter
            # (activity_when_idx): the organization's people's 8,000 older ones are not read.
            rows = rows.filter(when__gte=sorted(found, reverse=True)[limit - 1][0])
        found += rows.order_by(*ordering).values_list("when", "pk")[:limit]
    newest = [pk for _, pk in sorted(found, reverse=True)[:limit]]
    return list(_with_relations(Activity.objects.filter(pk__in=newest)).order_by(*ordering))


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
        page = _timeline_activities(user, record, type_code, after, limit + 1)
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


def activity_rows(
    *,
    user: User,
    organization: int | None = None,
    person: int | None = None,
    regarding_type: ContentType | None = None,
    regarding_id: int | None = None,
    type_id: int | None = None,
    status: str = "",
    assignee: int | None = None,
    due_from: datetime.date | None = None,
    due_to: datetime.date | None = None,
    trashed_too: bool = False,
) -> QuerySet[Activity]:
    """Activities the user may see with a list's filters, unordered and unpaged. One about a
    customer the user may not see is hidden with it. `due_from`/`due_to` bound the activity's
    day (its due day when planned, the day it happened when done)."""
    manager = Activity.all_objects if trashed_too else Activity.objects
    rows = manager.filter(visible(user))
    if not contacts_access.reads_all(user, Organization):
        customers = Organization.all_objects.filter(contacts_access.visible(user, Organization))
        rows = rows.filter(
            Q(organization__isnull=True) | Q(organization__in=customers.values("pk"))
        )
    if organization:
        rows = rows.filter(organization_id=organization)
    if person:
        rows = rows.filter(
            pk__in=Activity.people.through.objects.filter(person_id=person).values("activity_id")
        )
    if regarding_type is not None:
        rows = rows.filter(regarding_type=regarding_type, regarding_id=regarding_id)
    if type_id:
        rows = rows.filter(type_id=type_id)
    if status:
        rows = rows.filter(status=status)
    if assignee:
        rows = rows.filter(assignee_id=assignee)
    if due_from:
        rows = rows.filter(day__gte=due_from)
    if due_to:
        rows = rows.filter(day__lte=due_to)
    return rows.select_related("type")


def with_person_ids(activities: list[Activity]) -> list[Activity]:
    """Sets `person_ids` (people not in the trash) on each activity: the links by activity,
    then which of those people are trashed, by id. (Prefetching the people, or joining them,
    lets SQLite's planner walk the whole people table by its deleted_at index.)"""
    links = list(
        Activity.people.through.objects.filter(
            activity_id__in=[a.pk for a in activities]
        ).values_list("activity_id", "person_id")
    )
    trashed = set(
        Person.all_objects.filter(pk__in={person for _a, person in links})
        .exclude(deleted_at=None)
        .values_list("pk", flat=True)
    )
    found: dict[int, list[int]] = {}
    for activity_id, person_id in links:
        if person_id not in trashed:
            found.setdefault(activity_id, []).append(person_id)
    for activity in activities:
        activity.person_ids = sorted(found.get(activity.pk, []))  # type: ignore[attr-defined]
    return activities
