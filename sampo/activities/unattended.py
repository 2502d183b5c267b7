"""Nobody left hanging: active customers (and, once sales registers them, open opportunities)
with no follow-up planned, by owner, the longest without contact first.

Each record type is a source registered here, so a higher app (sales) adds its own without
this app importing it. A source's rows are a queryset of records that have an `owner`,
annotated with `last_contact` (the latest done activity, or NULL), and each row gets a
`follow_up_url` to the planning form prefilled for it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sampo.accounts.models import Role, User
from sampo.activities.models import Activity
from sampo.activities.selectors import team_member_ids
from sampo.contacts.access import can_create
from sampo.contacts.models import Organization

PAGE_SIZE = 50
ACTIVE_RELATIONSHIPS = ("customer", "prospect")

# owner ids (None: everyone's) and the viewer's today -> the unattended records, unordered
RowsFunction = Callable[[list[int] | None, datetime.date], QuerySet[Any]]


@dataclass(frozen=True)
class UnattendedSource:
    key: str
    label: str | Promise
    rows: RowsFunction
    follow_up_url: Callable[[Any], str]
    order: int = 100


SOURCES: dict[str, UnattendedSource] = {}


def register(
    *,
    key: str,
    label: str | Promise,
    rows: RowsFunction,
    follow_up_url: Callable[[Any], str],
    order: int = 100,
) -> None:
    SOURCES[key] = UnattendedSource(key, label, rows, follow_up_url, order)


def sources() -> list[UnattendedSource]:
    return sorted(SOURCES.values(), key=lambda source: (source.order, source.key))


# --- Who sees whose ---------------------------------------------------------------------------


def can_view(user: User) -> bool:
    """Those who own customers: sellers, sales managers, admins."""
    return can_create(user)


def visible_owner_ids(user: User) -> list[int] | None:
    """An admin sees everyone's (None), a sales manager their team's, a seller their own."""
    if not can_view(user):
        raise PermissionDenied
    if user.is_admin:
        return None
    if user.role.code == Role.SALES_MANAGER:
        return team_member_ids(user)
    return [user.pk]


# --- The customers' source ------------------------------------------------------------------


def _customer_rows(owner_ids: list[int] | None, today: datetime.date) -> QuerySet[Organization]:
    """Customers and prospects with no planned activity from today on, neither on the
    organization nor with one of its current people."""
    is_active_customer = Organization.relationship_types.through.objects.filter(
        organization_id=OuterRef("pk"), relationshiptype__code__in=ACTIVE_RELATIONSHIPS
    )
    planned = Activity.objects.filter(
        organization_id=OuterRef("pk"), status=Activity.Status.PLANNED, day__gte=today
    )
    with_people = Activity.people.through.objects.filter(
        person__memberships__organization_id=OuterRef("pk"),
        person__memberships__end_date__isnull=True,
        activity__deleted_at__isnull=True,
    )
    planned_with_people = with_people.filter(
        activity__status=Activity.Status.PLANNED, activity__day__gte=today
    )
    last_done = (
        Activity.objects.filter(organization_id=OuterRef("pk"), status=Activity.Status.DONE)
        .order_by("-when")
        .values("when")[:1]
    )
    last_done_with_people = (
        with_people.filter(activity__status=Activity.Status.DONE)
        .order_by("-activity__when")
        .values("activity__when")[:1]
    )
    rows = Organization.objects.filter(Exists(is_active_customer)).exclude(
        Exists(planned) | Exists(planned_with_people)
    )
    if owner_ids is not None:
        rows = rows.filter(owner_id__in=owner_ids)
    own, people = Subquery(last_done), Subquery(last_done_with_people)
    # GREATEST is NULL on SQLite when either side is; coalescing each with the other is not.
    return rows.annotate(last_contact=Greatest(Coalesce(own, people), Coalesce(people, own)))


def _customer_follow_up_url(organization: Organization) -> str:
    query = urlencode({"organization": organization.pk, "mode": "plan"})
    return f"{reverse('activities:new')}?{query}"


register(
    key="customers",
    label=_("Customers and prospects"),
    rows=_customer_rows,
    follow_up_url=_customer_follow_up_url,
    order=10,
)


# --- Reads for the page and the digest ------------------------------------------------------


@dataclass
class UnattendedPage:
    source: UnattendedSource
    rows: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _ordered(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows.select_related("owner").order_by(
        "owner__name", "owner_id", F("last_contact").asc(nulls_first=True), "pk"
    )


def _with_follow_up(source: UnattendedSource, rows: list[Any]) -> list[Any]:
    for row in rows:
        row.follow_up_url = source.follow_up_url(row)
    return rows


def unattended_page(
    *,
    user: User,
    today: datetime.date,
    source_key: str = "",
    owner: int | None = None,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> UnattendedPage:
    """One page of the queue, grouped by owner, the longest without contact first."""
    owner_ids = visible_owner_ids(user)
    if owner is not None and (owner_ids is None or owner in owner_ids):
        owner_ids = [owner]
    source = SOURCES.get(source_key) or sources()[0]
    page = max(page, 1)
    rows = _ordered(source.rows(owner_ids, today))
    fetched = list(rows[(page - 1) * size : page * size + 1])
    return UnattendedPage(
        source, _with_follow_up(source, fetched[:size]), page, len(fetched) > size
    )


def owner_choices(user: User) -> list[User]:
    owner_ids = visible_owner_ids(user)
    if owner_ids is not None and len(owner_ids) <= 1:
        return []
    owners = User.objects.filter(is_active=True).order_by("name").only("id", "name")
    return list(owners if owner_ids is None else owners.filter(pk__in=owner_ids))


@dataclass
class TeamSummary:
    source: UnattendedSource
    counts: list[dict[str, Any]]  # {"owner__name": ..., "count": ...}, most first
    oldest: list[Any]


def team_summary(*, leader: User, today: datetime.date, oldest: int = 5) -> list[TeamSummary]:
    """For a team leader's morning digest: how many each member has hanging, and the cases
    the longest without contact. Empty for someone who leads no team."""
    owner_ids = team_member_ids(leader)
    if owner_ids == [leader.pk]:
        return []
    summaries = []
    for source in sources():
        rows = source.rows(owner_ids, today)
        counts = list(
            rows.order_by()
            .values("owner__name")
            .annotate(count=Count("pk"))
            .order_by("-count", "owner__name")
        )
        if not counts:
            continue
        cases = rows.select_related("owner").order_by(
            F("last_contact").asc(nulls_first=True), "pk"
        )[:oldest]
        summaries.append(TeamSummary(source, counts, _with_follow_up(source, list(cases))))
    return summaries
