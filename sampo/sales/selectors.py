"""Reads of leads and opportunities shaped for the board, the lists, the record page and the
register's panels. Visibility (access.visible) is part of every query; lists and board columns
never count the whole table to page it."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    DateField,
    DecimalField,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from sampo.accounts.models import User
from sampo.activities.models import Activity
from sampo.contacts.models import Organization, Person
from sampo.core import search as global_search
from sampo.core.search import SearchHit
from sampo.lib.text import fold
from sampo.sales import access
from sampo.sales.models import Opportunity, Pipeline, Stage, StageChange

PAGE_SIZE = 50
CARDS_PER_COLUMN = 20

# Ties broken by id, so that a card's place (and a column's next page) is stable.
SORTS: dict[str, tuple[Any, ...]] = {
    "close": (F("expected_close_date").asc(nulls_last=True), "id"),
    "next_activity": (F("next_activity_day").asc(nulls_first=True), "id"),
    "-value": (F("expected_revenue").desc(nulls_last=True), "id"),
    "-priority": ("-priority", F("expected_close_date").asc(nulls_last=True), "id"),
    "-created": ("-created_at", "-id"),
}
DEFAULT_BOARD_SORT = "close"
DEFAULT_LIST_SORT = "-created"


@dataclass
class Filters:
    """What the board and the list can be narrowed by; built from the query string."""

    search: str = ""
    owner: int | None = None
    team: int | None = None
    tag: int | None = None
    pipeline: int | None = None
    status: str = Opportunity.Status.OPEN
    kind: str = ""
    close_after: datetime.date | None = None
    close_before: datetime.date | None = None
    mine: bool = False
    sort: str = ""


@dataclass
class Page:
    rows: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


@dataclass
class Total:
    currency: str
    amount: Decimal
    weighted: Decimal


@dataclass
class Column:
    stage: Stage
    count: int = 0
    totals: list[Total] = field(default_factory=list)
    cards: list[Opportunity] = field(default_factory=list)

    @property
    def has_more(self) -> bool:
        return self.count > len(self.cards)


def _opportunity_type() -> ContentType:
    return ContentType.objects.get_for_model(Opportunity)


def with_next_activity(rows: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """Each row's next planned activity date (`next_activity_day`, None when nothing is
    planned), as one correlated subquery served by activity_regarding_idx."""
    planned = Activity.objects.filter(
        regarding_type=_opportunity_type(),
        regarding_id=OuterRef("pk"),
        status=Activity.Status.PLANNED,
    ).order_by("day", "when")
    return rows.annotate(next_activity_day=Subquery(planned.values("day")[:1]))


def _filtered(user: User, filters: Filters, *, trashed_too: bool = False) -> QuerySet[Opportunity]:
    manager = Opportunity.all_objects if trashed_too else Opportunity.objects
    rows = manager.filter(access.visible(user))
    if filters.search:
        # The title's trigram index answers it (core.search_index).
        rows = global_search.containing(
            rows, field="title_folded", fragments=[fold(filters.search)]
        )
    if filters.mine:
        rows = rows.filter(owner=user)
    elif filters.owner:
        rows = rows.filter(owner_id=filters.owner)
    if filters.team:
        rows = rows.filter(team_id=filters.team)
    if filters.tag:
        rows = rows.filter(tags=filters.tag)
    if filters.pipeline:
        rows = rows.filter(pipeline_id=filters.pipeline)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.close_after:
        rows = rows.filter(expected_close_date__gte=filters.close_after)
    if filters.close_before:
        rows = rows.filter(expected_close_date__lte=filters.close_before)
    return rows


def _card_relations(rows: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    return rows.select_related("owner", "organization", "person", "stage")


# --- Board ----------------------------------------------------------------------------------


def _board_rows(user: User, pipeline: Pipeline, filters: Filters) -> QuerySet[Opportunity]:
    board_filters = Filters(**{**filters.__dict__, "pipeline": pipeline.pk})
    board_filters.status = Opportunity.Status.OPEN
    board_filters.kind = Opportunity.Kind.OPPORTUNITY
    return _filtered(user, board_filters)


def _ordering(sort: str, default: str) -> tuple[Any, ...]:
    return SORTS.get(sort) or SORTS[default]


def pipeline_board(
    *,
    user: User,
    pipeline: Pipeline,
    filters: Filters,
    per_column: int = CARDS_PER_COLUMN,
    only_stages: list[int] | None = None,
) -> list[Column]:
    """One column per stage with its count and its sums (per currency: EUR and HUF are not
    added up), and its first cards. The stages, the sums of every column in one grouped
    query (an index-only scan of opp_board_sums_idx), the first cards' ids of each column
    (one query per stage, each an index range of opp_board_cards_idx stopping after
    `per_column` rows) and the cards themselves: the count grows with the stages, never with
    the cards. `per_column` 0 gives the heads alone; `only_stages` narrows to those columns
    (the two a move touched)."""
    rows = _board_rows(user, pipeline, filters)
    stages = pipeline.stages.order_by("position", "id")
    if only_stages is not None:
        stages = stages.filter(pk__in=only_stages)
        rows = rows.filter(stage_id__in=only_stages)
    columns = {stage.pk: Column(stage) for stage in stages}
    _add_sums(columns, rows)
    if per_column > 0:  # the headers alone (after a move) need no cards
        _add_cards(columns, rows, _ordering(filters.sort, DEFAULT_BOARD_SORT), filters, per_column)
    for column in columns.values():
        column.totals.sort(key=lambda total: total.currency)
    return list(columns.values())


def _add_sums(columns: dict[int, Column], rows: QuerySet[Opportunity]) -> None:
    """Count and sums per stage and currency in one query. COUNT(*), not COUNT(id): every
    column it reads is in opp_board_sums_idx, so PostgreSQL answers from the index alone."""
    weighted = ExpressionWrapper(
        F("expected_revenue") * F("probability"), output_field=DecimalField()
    )
    sums = (
        rows.order_by()
        .values("stage_id", "currency")
        .annotate(n=Count("*"), amount=Sum("expected_revenue"), weighted=Sum(weighted))
    )
    for row in sums:
        column = columns.get(row["stage_id"])
        if column is None:
            continue
        column.count += row["n"]
        if row["amount"] is not None:
            column.totals.append(
                Total(
                    row["currency"],
                    Decimal(row["amount"]),
                    (Decimal(row["weighted"] or 0) / 100).quantize(Decimal("0.01")),
                )
            )


def _add_cards(
    columns: dict[int, Column],
    rows: QuerySet[Opportunity],
    ordering: tuple[Any, ...],
    filters: Filters,
    per_column: int,
) -> None:
    """The first cards of every column: the bare rows of each stage are sorted and cut at
    `per_column` (in the default order by close date an index range read that stops there),
    and only the cards shown are joined and annotated. Ranking all the rows of the pipeline
    with a window function read and sorted every open opportunity (33,000 on the busiest
    benchmark pipeline: 100 ms of SQL on every board view; see BENCHMARKS.md)."""
    ranking = rows if filters.sort != "next_activity" else with_next_activity(rows)
    shown: list[int] = []
    for stage_pk in columns:
        first = ranking.filter(stage_id=stage_pk).order_by(*ordering).values_list("pk", flat=True)
        shown += first[:per_column]
    for card in _board_cards(shown, ordering):
        if card.stage_id in columns:
            columns[card.stage_id].cards.append(card)


# What a card shows (sales/_card.html), and no more: the board loads 20 cards a column, and
# every column of the organization, person and owner rows cost time to read and build.
CARD_FIELDS = (
    "version",
    "kind",
    "status",
    "title",
    "pipeline_id",
    "stage_id",
    "company_name",
    "contact_name",
    "expected_revenue",
    "currency",
    "expected_close_date",
    "priority",
    "organization__name",
    "person__first_name",
    "person__last_name",
    "person__country",
    "person__preferred_language",
    "owner__name",
    "owner__email",
)


def _board_cards(pks: list[int], ordering: tuple[Any, ...]) -> list[Opportunity]:
    """The cards of these opportunities with what a card shows, in the board's order."""
    if not pks:
        return []
    cards = with_next_activity(Opportunity.objects.filter(pk__in=pks))
    cards = cards.select_related("owner", "organization", "person").only(*CARD_FIELDS)
    return list(cards.order_by(*ordering))


def board_column_cards(
    *,
    user: User,
    pipeline: Pipeline,
    stage: Stage,
    filters: Filters,
    offset: int,
    limit: int = CARDS_PER_COLUMN,
) -> tuple[list[Opportunity], bool]:
    """The next cards of one column (lazy loading), and whether more follow. The page is cut
    from the bare rows and only its cards are joined and annotated, as on the board."""
    rows = _board_rows(user, pipeline, filters).filter(stage=stage)
    if filters.sort == "next_activity":
        rows = with_next_activity(rows)
    ordering = _ordering(filters.sort, DEFAULT_BOARD_SORT)
    page = list(rows.order_by(*ordering).values_list("pk", flat=True)[offset : offset + limit + 1])
    return _board_cards(page[:limit], ordering), len(page) > limit


def board_column_totals(
    *, user: User, pipeline: Pipeline, filters: Filters, stages: list[int] | None = None
) -> list[Column]:
    """The columns' counts and sums without cards, to refresh the headers after a move (only
    the columns of `stages` when given: a move changes two)."""
    return pipeline_board(
        user=user, pipeline=pipeline, filters=filters, per_column=0, only_stages=stages
    )


def pipelines_for(user: User) -> list[Pipeline]:
    return list(Pipeline.objects.select_related("team").order_by("position", "name", "id"))


# --- Forecast -------------------------------------------------------------------------------

FORECAST_GROUPS = ("stage", "owner", "month")


@dataclass
class ForecastRow:
    """Open and won opportunities of one group (the keys not grouped by are None), in one
    currency: EUR and HUF are never added up."""

    stage_id: int | None
    owner_id: int | None
    month: datetime.date | None
    currency: str
    count: int = 0
    expected: Decimal = Decimal(0)
    weighted: Decimal = Decimal(0)


def pipeline_forecast(
    *,
    user: User,
    by: tuple[str, ...],
    statuses: tuple[str, ...] = (Opportunity.Status.OPEN, Opportunity.Status.WON),
) -> list[ForecastRow]:
    """Expected and weighted revenue (each row's value times its probability) of the
    opportunities the user sees, summed by stage, owner and/or month of the expected close
    (`by`, any of FORECAST_GROUPS) and currency, over every pipeline.

    SQL sums by stage, owner and currency (and month), one status at a time: that is the
    order of opp_forecast_idx, so each query is one index range read without a sort (SQLite
    sorted the 75,000 open and won rows of the medium benchmark for GROUP BY owner, and "status
    IN (open, won)" made it use another index); the few hundred groups are then added up here
    to the ones asked for."""
    unknown = set(by) - set(FORECAST_GROUPS)
    if unknown:
        raise ValueError(f"cannot group a forecast by {sorted(unknown)}")
    keys = ["stage_id", "owner_id", "currency"] + (["month"] if "month" in by else [])
    weighted = ExpressionWrapper(
        F("expected_revenue") * F("probability"), output_field=DecimalField()
    )
    found: dict[tuple[Any, ...], ForecastRow] = {}
    for status in statuses:
        rows = Opportunity.objects.filter(access.visible(user), status=status)
        if "month" in by:
            rows = rows.annotate(month=MonthStart("expected_close_date"))
        sums = (
            rows.order_by()
            .values(*keys)
            .annotate(n=Count("*"), expected=Sum("expected_revenue"), weighted=Sum(weighted))
        )
        for row in sums:
            group = ForecastRow(
                stage_id=row["stage_id"] if "stage" in by else None,
                owner_id=row["owner_id"] if "owner" in by else None,
                month=_month(row.get("month")),
                currency=row["currency"],
            )
            key = (group.stage_id, group.owner_id, group.month, group.currency)
            total = found.setdefault(key, group)
            total.count += row["n"]
            total.expected += Decimal(row["expected"] or 0)
            total.weighted += Decimal(row["weighted"] or 0)
    for total in found.values():
        total.weighted = (total.weighted / 100).quantize(Decimal("0.01"))
    return list(found.values())


class MonthStart(Func):
    """The first day of a date's month. Django's TruncMonth is a Python function on SQLite,
    called once a row (a forecast by month spent 350 ms in it at 75,000 rows); SQLite's own
    date() does it in C."""

    output_field = DateField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="date(%(expressions)s, 'start of month')")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(DATE_TRUNC('month', %(expressions)s) AS date)"
        )


def _month(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    return value


# --- Lists, exports, search -----------------------------------------------------------------


def _list_relations(rows: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    rows = _card_relations(with_next_activity(rows))
    return rows.select_related("pipeline", "team", "source", "lost_reason").prefetch_related("tags")


def opportunity_rows(*, user: User, filters: Filters) -> QuerySet[Opportunity]:
    """The opportunities a list shows with its filters, unpaged: its exports."""
    rows = _list_relations(_filtered(user, filters))
    return rows.order_by(*_ordering(filters.sort, DEFAULT_LIST_SORT))


def opportunity_list(*, user: User, filters: Filters, page: int = 1) -> Page:
    """One page of the list. The bare rows are sorted and sliced in a subquery, and only the
    page's rows are joined and annotated: sorting the joined rows with their next-activity
    subquery computed it for every match (seconds at 50,000 open opportunities on SQLite;
    see BENCHMARKS.md)."""
    number = max(page, 1)
    ordering = _ordering(filters.sort, DEFAULT_LIST_SORT)
    matching = _filtered(user, filters)
    if filters.sort == "next_activity":
        matching = with_next_activity(matching)
    # The page's ids are read first, as a list: given the slice as a subquery, PostgreSQL
    # joined and annotated all 100,000 rows before the semi-join picked the page's 51 (1.8 s).
    paged = list(
        matching.order_by(*ordering).values_list("pk", flat=True)[
            (number - 1) * PAGE_SIZE : number * PAGE_SIZE + 1
        ]
    )
    rows = _list_relations(Opportunity.objects.filter(pk__in=paged)).order_by(*ordering)
    fetched = list(rows)
    return Page(fetched[:PAGE_SIZE], number, len(fetched) > PAGE_SIZE)


# What a search hit shows: the title, the customer (`customer_label`) and the status.
_SEARCH_HIT_FIELDS = (
    "id",
    "title",
    "status",
    "created_at",
    "company_name",
    "contact_name",
    "organization__name",
    "person__first_name",
    "person__last_name",
    "person__country",
    "person__preferred_language",
)


def opportunity_api_rows(
    *,
    user: User,
    filters: Filters,
    stage: int | None = None,
    organization: int | None = None,
    person: int | None = None,
    priority: int | None = None,
    trashed_too: bool = False,
) -> QuerySet[Opportunity]:
    """The REST API's list: the list's filters and a few more, unsorted and unjoined (the API
    pages by keyset on its own sort). `trashed_too`: also those in the trash (a client syncing
    with updated_since needs to learn of them)."""
    rows = _filtered(user, filters, trashed_too=trashed_too)
    if stage is not None:
        rows = rows.filter(stage_id=stage)
    if organization is not None:
        rows = rows.filter(organization_id=organization)
    if person is not None:
        rows = rows.filter(person_id=person)
    if priority is not None:
        rows = rows.filter(priority=priority)
    return rows


def opportunity_search_hits(user: User, query: str, limit: int) -> list[SearchHit]:
    filters = Filters(search=query, status="")
    # The bare matches are sorted and sliced first; only the hits are joined to their cards'
    # relations (joining every match before sorting cost tens of ms on a common fragment).
    newest = _filtered(user, filters).order_by("-created_at", "-id").values("pk")[:limit]
    rows = (
        Opportunity.objects.filter(pk__in=newest)
        .select_related("organization", "person")
        .only(*_SEARCH_HIT_FIELDS)
        .order_by("-created_at", "-id")
    )
    return [
        SearchHit(
            o.title,
            " · ".join(filter(None, [o.customer_label, str(o.get_status_display())])),
            o.get_absolute_url(),
        )
        for o in rows
    ]


def opportunity_links(user: User, pks: set[int]) -> dict[int, tuple[str, str]]:
    """Title and address of the opportunities among `pks` the user may see (one query)."""
    rows = Opportunity.objects.filter(access.visible(user), pk__in=pks).only("id", "title")
    return {o.pk: (o.title, o.get_absolute_url()) for o in rows}


def open_opportunities_of(
    *, user: User, organization: Organization | None = None, person: Person | None = None
) -> list[Opportunity]:
    """A register record's open leads and opportunities, for its panel."""
    rows = _filtered(user, Filters())
    if organization is not None:
        rows = rows.filter(organization=organization)
    if person is not None:
        rows = rows.filter(person=person)
    rows = with_next_activity(rows).select_related("owner", "stage", "pipeline")
    return list(rows.order_by(F("expected_close_date").asc(nulls_last=True), "id")[:20])


# --- The record page ------------------------------------------------------------------------


@dataclass
class StageVisit:
    label: str
    entered_at: datetime.datetime
    by: User | None
    days: int


def stage_path(opportunity: Opportunity) -> list[StageVisit]:
    """Each stage the opportunity was in, with how many days it stayed (until now for the
    current one)."""
    changes = list(
        StageChange.objects.filter(opportunity=opportunity)
        .select_related("changed_by")
        .order_by("changed_at", "id")
    )
    now = timezone.now()
    visits = []
    for n, change in enumerate(changes):
        left = changes[n + 1].changed_at if n + 1 < len(changes) else now
        visits.append(
            StageVisit(
                change.to_label,
                change.changed_at,
                change.changed_by,
                (left - change.changed_at).days,
            )
        )
    return visits


def owner_choices() -> QuerySet[User]:
    return User.objects.filter(is_active=True).only("id", "name").order_by("name")


def stage_counts(pipeline: Pipeline) -> dict[int, int]:
    """Opportunities per stage, the trash included (what stops a stage from being deleted)."""
    counted = (
        Opportunity.all_objects.filter(pipeline=pipeline)
        .exclude(stage__isnull=True)
        .order_by()
        .values("stage_id")
        .annotate(n=Count("id"))
    )
    found: dict[int, int] = defaultdict(int)
    for row in counted:
        found[row["stage_id"]] = row["n"]
    return found


def choice_rows(model: Any, *, field: str) -> QuerySet[Any]:
    """A lead source or lost reason list with how many live opportunities use each entry."""
    used = (
        Opportunity.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return model.objects.annotate(
        opportunity_count=Coalesce(Subquery(used, output_field=IntegerField()), Value(0))
    ).order_by("position", "name")


def owned_open_opportunities(user: User) -> QuerySet[Opportunity]:
    """What an off-boarding hands over: the user's leads and opportunities still in play
    (open or postponed); won and lost ones stay theirs."""
    return Opportunity.objects.filter(
        owner=user, status__in=[Opportunity.Status.OPEN, Opportunity.Status.POSTPONED]
    ).order_by("pk")
