"""Sales in the REST API: leads and opportunities (with their stage moves and outcomes as
actions), pipelines and their stages, and the lists they refer to (lost reasons, lead sources,
product interests). Thin: schemas in, the same selectors, access and services as the screens,
schemas out."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from sampo.accounts.models import Team, User
from sampo.contacts import access as contacts_access
from sampo.contacts import external_ids
from sampo.contacts.models import Organization, Person, Tag
from sampo.core.records import StaleEditError
from sampo.lib.rest import paging, upsert
from sampo.lib.rest.problems import ApiError
from sampo.lib.rest.schemas import Input, IsoDate, IsoDateTime, QueryInput
from sampo.lib.rest.versions import etag, expected_version
from sampo.sales import access, selectors, services
from sampo.sales.models import (
    LeadSource,
    LostReason,
    Opportunity,
    Pipeline,
    ProductInterest,
    SeededChoice,
    Stage,
)

router = Router(tags=["opportunities"])
setup_router = Router(tags=["pipelines and lists"])

OPPORTUNITY_SORTS = {
    "created_at": "created_at",
    "updated_at": "updated_at",
    "close_date": "expected_close_date",
    "expected_revenue": "expected_revenue",
    "title": "title_folded",
    "id": "id",
}
DEFAULT_SORT = "-created_at"
# Ids are 64-bit: a bigger number is refused by the schema (422), not by the database (500).
MAX_ID = 2**63 - 1
Money = Field(
    None,
    max_digits=16,
    decimal_places=2,
    ge=0,
    strict=False,
    description="A decimal, e.g. 12500.50",
)


# --- Schemas -------------------------------------------------------------------------------


class OpportunityFields(Input):
    """What a client may write on any lead or opportunity; every field optional here."""

    title: str | None = Field(None, max_length=200)
    organization_id: int | None = Field(None, ge=1, le=MAX_ID)
    person_id: int | None = Field(None, ge=1, le=MAX_ID)
    contact_name: str | None = Field(None, max_length=200, description="As typed on a lead")
    company_name: str | None = Field(None, max_length=200, description="As typed on a lead")
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    country: str | None = Field(None, max_length=2, description="ISO 3166 code, e.g. FI")
    product_interest: str | None = Field(None, max_length=40, description="Product interest code")
    expected_revenue: Decimal | None = Money
    currency: str | None = Field(None, max_length=3, description="ISO 4217 code, e.g. EUR")
    probability: int | None = Field(
        None, ge=0, le=100, description="Percent; null goes back to the stage's default"
    )
    expected_close_date: IsoDate | None = Field(None, strict=False)
    priority: int | None = Field(None, ge=0, le=3, description="0 none, 1 low, 2 medium, 3 high")
    tags: list[str] | None = Field(None, description="Tag names; tags must exist")
    source: str | None = Field(None, max_length=40, description="Lead source code")
    owner_id: int | None = Field(None, ge=1, le=MAX_ID)
    team_id: int | None = Field(None, ge=1, le=MAX_ID)
    description: str | None = Field(None, max_length=20000)


class OpportunityCreate(OpportunityFields):
    title: str = Field(..., min_length=1, max_length=200)
    pipeline_id: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Default: the stage's pipeline, else the first pipeline of your teams",
    )
    stage_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Default: the pipeline's first stage"
    )
    kind: Literal["lead", "opportunity"] | None = Field(
        None, description="Default: lead when the pipeline starts with leads"
    )


class OpportunityOut(Schema):
    id: int
    kind: Literal["lead", "opportunity"]
    title: str
    status: Literal["open", "won", "lost", "postponed"]
    pipeline_id: int
    stage_id: int | None = Field(..., description="null for a lead")
    organization_id: int | None
    person_id: int | None
    contact_name: str
    company_name: str
    email: str
    phone: str
    country: str
    product_interest: str | None = Field(..., description="Product interest code")
    expected_revenue: str | None = Field(..., description="Decimal as a string, e.g. 12500.00")
    currency: str
    probability: int
    probability_overridden: bool
    weighted_value: str | None = Field(
        ..., description="expected_revenue times probability, decimal as a string"
    )
    expected_close_date: datetime.date | None
    priority: int
    tags: list[str]
    source: str | None = Field(..., description="Lead source code")
    owner_id: int
    team_id: int | None
    description: str
    lost_reason: str | None = Field(..., description="Lost reason code")
    lost_note: str
    postponed_until: datetime.date | None
    closed_on: datetime.date | None
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    deleted_at: datetime.datetime | None


class OpportunityPage(Schema):
    items: list[OpportunityOut]
    next_cursor: str | None
    sync_from: datetime.datetime | None = Field(
        None, description="With updated_since, on the last page: where to start the next sync"
    )


class OpportunityFilters(QueryInput):
    search: str = Field("", max_length=200, description="Title fragment")
    kind: Literal["lead", "opportunity"] | None = None
    status: Literal["open", "won", "lost", "postponed"] | None = None
    pipeline_id: int | None = Field(None, ge=1, le=MAX_ID)
    stage_id: int | None = Field(None, ge=1, le=MAX_ID)
    owner_id: int | None = Field(None, ge=1, le=MAX_ID)
    team_id: int | None = Field(None, ge=1, le=MAX_ID)
    organization_id: int | None = Field(None, ge=1, le=MAX_ID)
    person_id: int | None = Field(None, ge=1, le=MAX_ID)
    close_date_from: IsoDate | None = None
    close_date_to: IsoDate | None = None
    priority: int | None = Field(None, ge=0, le=3)
    tag: str = Field("", max_length=60, description="Tag name")
    updated_since: IsoDateTime | None = Field(
        None, description="Only records changed at or after this time, trashed ones included"
    )
    sort: str = Field(
        DEFAULT_SORT,
        max_length=100,
        description=(
            "created_at, updated_at, close_date, expected_revenue, title, id; - for descending"
        ),
    )
    cursor: str | None = Field(None, max_length=2000)
    limit: int = Field(paging.DEFAULT_LIMIT, ge=1, le=paging.MAX_LIMIT)


class MoveIn(Input):
    stage_id: int = Field(..., ge=1, le=MAX_ID)


class LoseIn(Input):
    reason: int | str = Field(..., description="Lost reason id or code")
    note: str = Field("", max_length=5000)


class PostponeIn(Input):
    until: IsoDate = Field(..., strict=False, description="A future day: it comes back open then")
    note: str = Field("", max_length=5000, description="Note for the planned follow-up")


class NewOrganization(Input):
    name: str = Field(..., min_length=1, max_length=200)


class NewPerson(Input):
    first_name: str = Field("", max_length=100)
    last_name: str = Field(..., min_length=1, max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)


class QualifyIn(Input):
    organization_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="An existing organization"
    )
    person_id: int | None = Field(None, ge=1, le=MAX_ID, description="An existing person")
    new_organization: NewOrganization | None = Field(None, description="Or a new organization")
    new_person: NewPerson | None = Field(None, description="Or a new person")
    stage_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Default: the pipeline's first stage"
    )
    allow_duplicate: bool = Field(
        False, description="Save new records even when likely duplicates exist (otherwise 409)"
    )


class BulkOpportunity(OpportunityFields):
    external_id: str = Field(
        ..., min_length=1, max_length=200, description="The record's id in your system"
    )
    pipeline_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="On create; default as for a create"
    )
    stage_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="On create its stage; on update a move"
    )
    kind: Literal["lead", "opportunity"] | None = Field(None, description="On create only")


class OpportunityBulk(Input):
    source: str = Field(
        ..., min_length=1, max_length=100, description="Your system's name, e.g. erp"
    )
    items: list[BulkOpportunity] = Field(..., min_length=1, max_length=upsert.MAX_ITEMS)


class StageOut(Schema):
    id: int
    name: str
    position: int
    probability: int = Field(..., description="Default probability (%) of its opportunities")
    kind: Literal["open"] = Field(
        ...,
        description=(
            "Every stage is open: won, lost and postponed are an opportunity's status, not stages"
        ),
    )


class StageList(Schema):
    items: list[StageOut]


class PipelineOut(Schema):
    id: int
    name: str
    team_id: int | None = Field(..., description="null: every team works it")
    position: int
    requires_next_step: bool
    uses_leads: bool
    stages: list[StageOut] = Field(..., description="In board order")
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime


class PipelineList(Schema):
    items: list[PipelineOut]


class ChoiceOut(Schema):
    id: int
    code: str
    name: str = Field(..., description="In the reader's language until an admin renames it")
    position: int


class ChoiceList(Schema):
    items: list[ChoiceOut]


# --- Representation ------------------------------------------------------------------------


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.01")))


def _code(choice: SeededChoice | None) -> str | None:
    return None if choice is None else choice.code


def opportunity_out(opportunity: Opportunity) -> dict[str, Any]:
    plain = {name: getattr(opportunity, name) for name in _PLAIN_FIELDS}
    return {
        **plain,
        "id": opportunity.pk,
        "pipeline_id": opportunity.pipeline_id,
        "stage_id": opportunity.stage_id,
        "organization_id": opportunity.organization_id,
        "person_id": opportunity.person_id,
        "owner_id": opportunity.owner_id,
        "team_id": opportunity.team_id,
        "product_interest": _code(opportunity.product_interest),
        "source": _code(opportunity.source),
        "lost_reason": _code(opportunity.lost_reason),
        "expected_revenue": _money(opportunity.expected_revenue),
        "weighted_value": _money(opportunity.weighted_revenue),
        "tags": sorted(t.name for t in opportunity.tags.all()),
    }


_PLAIN_FIELDS = [
    "kind",
    "title",
    "status",
    "contact_name",
    "company_name",
    "email",
    "phone",
    "country",
    "currency",
    "probability",
    "probability_overridden",
    "expected_close_date",
    "priority",
    "description",
    "lost_note",
    "postponed_until",
    "closed_on",
    "version",
    "created_at",
    "updated_at",
    "deleted_at",
]


def _with_related(rows: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    return rows.select_related("source", "product_interest", "lost_reason").prefetch_related("tags")


def _read(user: User, pk: int) -> Opportunity:
    access.access_opportunity(user, pk)
    return _with_related(Opportunity.objects.filter(pk=pk)).get()


def _answer(response: HttpResponse, user: User, pk: int) -> dict[str, Any]:
    opportunity = _read(user, pk)
    response["ETag"] = etag(opportunity.version)
    return opportunity_out(opportunity)


def stage_out(stage: Stage) -> dict[str, Any]:
    return {
        "id": stage.pk,
        "name": str(stage),
        "position": stage.position,
        "probability": stage.probability,
        "kind": "open",
    }


def pipeline_out(pipeline: Pipeline) -> dict[str, Any]:
    return {
        "id": pipeline.pk,
        "name": str(pipeline),
        "team_id": pipeline.team_id,
        "position": pipeline.position,
        "requires_next_step": pipeline.requires_next_step,
        "uses_leads": pipeline.uses_leads,
        "stages": [stage_out(stage) for stage in pipeline.stages.all()],
        "version": pipeline.version,
        "created_at": pipeline.created_at,
        "updated_at": pipeline.updated_at,
    }


def _choice_out(choice: SeededChoice) -> dict[str, Any]:
    return {"id": choice.pk, "code": choice.code, "name": str(choice), "position": choice.position}


# --- Input → service values ----------------------------------------------------------------


def _unknown(field: str) -> ValidationError:
    return ValidationError({field: _("No record with this id or code exists.")})


def _one(rows: QuerySet[Any], field: str, **lookup: Any) -> Any:
    found = rows.filter(**lookup).first()
    if found is None:
        raise _unknown(field)
    return found


def _tags(names: list[str]) -> list[Tag]:
    found = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = [name for name in names if name not in found]
    if missing:
        raise ValidationError({"tags": _("Unknown: %(names)s.") % {"names": ", ".join(missing)}})
    return [found[name] for name in names]


def _references(user: User, given: dict[str, Any]) -> dict[str, Any]:
    """The given references as the services take them: ids the user may see, codes, names;
    an unknown one is a field error."""
    choices: dict[str, tuple[str, QuerySet[Any], str]] = {
        "organization_id": (
            "organization",
            Organization.objects.filter(contacts_access.visible(user, Organization)),
            "pk",
        ),
        "person_id": ("person", Person.objects.filter(contacts_access.visible(user, Person)), "pk"),
        "owner_id": ("owner", User.objects.filter(is_active=True), "pk"),
        "team_id": ("team", Team.objects.filter(deleted_at__isnull=True), "pk"),
        "source": ("source", LeadSource.objects.all(), "code"),
        "product_interest": ("product_interest", ProductInterest.objects.all(), "code"),
    }
    values: dict[str, Any] = {}
    for key, (name, rows, attribute) in choices.items():
        if key in given:
            value = given[key]
            values[name] = None if value in (None, "") else _one(rows, key, **{attribute: value})
    if "owner" in values and values["owner"] is None:
        raise ValidationError({"owner_id": _("Choose an owner.")})
    if "tags" in given:
        values["tags"] = _tags(given["tags"] or [])
    return values


_REFERENCES = frozenset(
    {"organization_id", "person_id", "owner_id", "team_id", "source", "product_interest", "tags"}
)
# Written as null where the model keeps null; other text fields read null as empty.
_NULLABLE = frozenset({"expected_revenue", "expected_close_date", "probability"})
_PLACEMENT = frozenset({"pipeline_id", "stage_id", "kind", "external_id"})


def _values(user: User, fields: OpportunityFields) -> dict[str, Any]:
    given = fields.model_dump(exclude_unset=True, exclude=set(_PLACEMENT))
    values: dict[str, Any] = {}
    for key, value in given.items():
        if key in _REFERENCES:
            continue
        if value is None and key not in _NULLABLE:
            value = 0 if key == "priority" else ""
        values[key] = value
    return {**values, **_references(user, given)}


def _placement(pipeline_id: int | None, stage_id: int | None, kind: str | None) -> dict[str, Any]:
    """Where a new one goes: a stage implies its pipeline; the service checks that they match
    and chooses the defaults."""
    values: dict[str, Any] = {}
    if stage_id is not None:
        values["stage"] = _one(Stage.objects.select_related("pipeline"), "stage_id", pk=stage_id)
        values["pipeline"] = values["stage"].pipeline
    if pipeline_id is not None:
        values["pipeline"] = _one(Pipeline.objects.all(), "pipeline_id", pk=pipeline_id)
    if kind:
        values["kind"] = kind
    return values


def _stage(pk: int) -> Stage:
    """A stage to move into; one of another pipeline is refused by the service."""
    return _one(Stage.objects.all(), "stage_id", pk=pk)


def _lost_reason(reason: int | str) -> LostReason:
    lookup = Q(code=str(reason)[:40])
    if (isinstance(reason, int) or str(reason).isdigit()) and 0 < int(reason) <= MAX_ID:
        lookup |= Q(pk=int(reason))
    found = LostReason.objects.filter(lookup).first()
    if found is None:
        raise ValidationError({"reason": _("No lost reason has this id or code.")})
    return found


# --- Opportunities -------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@router.get(
    "/opportunities",
    response=OpportunityPage,
    summary="List leads and opportunities",
    description=(
        "Cursor-paged, every status unless `status` is given. With `updated_since` the list is "
        "sorted by update time and includes trashed records (their deleted_at is set)."
    ),
)
def opportunity_list(request: HttpRequest, filters: Query[OpportunityFilters]) -> dict[str, Any]:
    user = _user(request)
    syncing = filters.updated_since is not None
    rows = selectors.opportunity_api_rows(
        user=user,
        filters=selectors.Filters(
            search=filters.search,
            owner=filters.owner_id,
            team=filters.team_id,
            tag=_tag_id(filters.tag),
            pipeline=filters.pipeline_id,
            status=filters.status or "",
            kind=filters.kind or "",
            close_after=filters.close_date_from,
            close_before=filters.close_date_to,
        ),
        stage=filters.stage_id,
        organization=filters.organization_id,
        person=filters.person_id,
        priority=filters.priority,
        trashed_too=syncing,
    )
    if syncing:
        rows = rows.filter(updated_at__gte=filters.updated_since)
    page = paging.paginate(
        _with_related(rows),
        fields=paging.sort_fields(
            "updated_at" if syncing else filters.sort, OPPORTUNITY_SORTS, DEFAULT_SORT
        ),
        cursor=filters.cursor,
        limit=filters.limit,
        syncing=syncing,
    )
    return {
        "items": [opportunity_out(row) for row in page.rows],
        "next_cursor": page.next_cursor,
        "sync_from": page.sync_from,
    }


def _tag_id(name: str) -> int | None:
    """An unknown tag is a bad filter rather than one matching everything."""
    if not name:
        return None
    found = Tag.objects.filter(name=name).values_list("pk", flat=True).first()
    if found is None:
        raise ApiError(
            400,
            _("Bad list parameters"),
            _("Unknown: %(names)s.") % {"names": name},
            kind="bad-request",
        )
    return int(found)


@router.get(
    "/opportunities/{int:pk}", response=OpportunityOut, summary="Read a lead or opportunity"
)
def opportunity_read(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    return _answer(response, _user(request), pk)


@router.post(
    "/opportunities",
    response={201: OpportunityOut},
    summary="Create a lead or opportunity",
    description=(
        "Only a title is needed, as in the quick create: the pipeline defaults to the first one "
        "of your teams, the stage to its first, the owner to you; a pipeline that starts with "
        "leads makes a lead unless kind says otherwise."
    ),
)
def opportunity_create(
    request: HttpRequest, payload: OpportunityCreate, response: HttpResponse
) -> Status[dict[str, Any]]:
    user = _user(request)
    values = {
        **_values(user, payload),
        **_placement(payload.pipeline_id, payload.stage_id, payload.kind),
    }
    opportunity = services.opportunity_create(actor=user, values=values)
    response["Location"] = f"{request.path.rstrip('/')}/{opportunity.pk}"
    return Status(201, _answer(response, user, opportunity.pk))


@router.patch(
    "/opportunities/{int:pk}",
    response=OpportunityOut,
    summary="Change a lead or opportunity",
    description=(
        "The fields given change; the stage and the outcome change through the actions. "
        "Send If-Match with the ETag you read to refuse a stale edit (412)."
    ),
)
def opportunity_update(
    request: HttpRequest, pk: int, payload: OpportunityFields, response: HttpResponse
) -> dict[str, Any]:
    user = _user(request)
    opportunity = access.access_opportunity(user, pk)
    services.opportunity_update(
        actor=user,
        opportunity=opportunity,
        values=_values(user, payload),
        expected_version=expected_version(request),
    )
    return _answer(response, user, pk)


@router.delete(
    "/opportunities/{int:pk}",
    response={204: None},
    summary="Move a lead or opportunity to the trash",
)
def opportunity_delete(request: HttpRequest, pk: int) -> Status[None]:
    user = _user(request)
    opportunity = access.access_opportunity(user, pk)
    version = expected_version(request)
    if version is not None and version != opportunity.version:
        raise StaleEditError(opportunity.version)
    services.opportunity_trash(actor=user, opportunity=opportunity)
    return Status(204, None)


@router.post(
    "/opportunities/{int:pk}/move",
    response=OpportunityOut,
    summary="Move an opportunity into another stage of its pipeline",
    description=(
        "Only open opportunities move; a lead is qualified first. A pipeline that requires a "
        "next step refuses the move (422) when no activity is planned. Honors If-Match."
    ),
)
def opportunity_move(
    request: HttpRequest, pk: int, payload: MoveIn, response: HttpResponse
) -> dict[str, Any]:
    user = _user(request)
    opportunity = access.access_opportunity(user, pk)
    services.opportunity_move_stage(
        actor=user,
        opportunity=opportunity,
        stage=_stage(payload.stage_id),
        expected_version=expected_version(request),
    )
    return _answer(response, user, pk)


@router.post(
    "/opportunities/{int:pk}/win",
    response=OpportunityOut,
    summary="Mark as won",
    description="Closed today. Honors If-Match.",
)
def opportunity_win(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    user = _user(request)
    services.opportunity_mark_won(
        actor=user,
        opportunity=access.access_opportunity(user, pk),
        expected_version=expected_version(request),
    )
    return _answer(response, user, pk)


@router.post(
    "/opportunities/{int:pk}/lose",
    response=OpportunityOut,
    summary="Mark as lost",
    description="Needs a lost reason (id or code, see /lost-reasons). Honors If-Match.",
)
def opportunity_lose(
    request: HttpRequest, pk: int, payload: LoseIn, response: HttpResponse
) -> dict[str, Any]:
    user = _user(request)
    opportunity = access.access_opportunity(user, pk)
    services.opportunity_mark_lost(
        actor=user,
        opportunity=opportunity,
        reason=_lost_reason(payload.reason),
        note=payload.note,
        expected_version=expected_version(request),
    )
    return _answer(response, user, pk)


@router.post(
    "/opportunities/{int:pk}/postpone",
    response=OpportunityOut,
    summary="Postpone until a day",
    description=(
        "Leaves the active pipeline, plans a follow-up call for the owner on that day and comes "
        "back open then. Honors If-Match."
    ),
)
def opportunity_postpone(
    request: HttpRequest, pk: int, payload: PostponeIn, response: HttpResponse
) -> dict[str, Any]:
    user = _user(request)
    services.opportunity_postpone(
        actor=user,
        opportunity=access.access_opportunity(user, pk),
        until=payload.until,
        note=payload.note,
        expected_version=expected_version(request),
    )
    return _answer(response, user, pk)


@router.post(
    "/opportunities/{int:pk}/reopen",
    response=OpportunityOut,
    summary="Reopen a won, lost or postponed one",
    description="Clears the outcome. Honors If-Match.",
)
def opportunity_reopen(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    user = _user(request)
    services.opportunity_reopen(
        actor=user,
        opportunity=access.access_opportunity(user, pk),
        expected_version=expected_version(request),
    )
    return _answer(response, user, pk)


@router.post(
    "/opportunities/{int:pk}/qualify",
    response=OpportunityOut,
    summary="Qualify a lead into an opportunity",
    description=(
        "The lead enters its pipeline's first stage (or stage_id), linked to existing records "
        "or to new ones; new ones pass the duplicate guard: 409 with the likely matches unless "
        "allow_duplicate. Honors If-Match."
    ),
)
def opportunity_qualify(
    request: HttpRequest, pk: int, payload: QualifyIn, response: HttpResponse
) -> dict[str, Any]:
    user = _user(request)
    lead = access.access_opportunity(user, pk)
    given = payload.model_dump(include={"organization_id", "person_id"}, exclude_none=True)
    linked = _references(user, given)
    services.lead_qualify(
        actor=user,
        lead=lead,
        organization=linked.get("organization"),
        person=linked.get("person"),
        new_organization=payload.new_organization.model_dump()
        if payload.new_organization
        else None,
        new_person=(
            {k: v for k, v in payload.new_person.model_dump().items() if v}
            if payload.new_person
            else None
        ),
        allow_duplicate=payload.allow_duplicate,
        stage=None if payload.stage_id is None else _stage(payload.stage_id),
        expected_version=expected_version(request),
    )
    return _answer(response, user, pk)


# --- Bulk upsert ---------------------------------------------------------------------------


@router.post(
    "/opportunities/bulk",
    response=upsert.BulkResult,
    summary="Create or update up to 1,000 leads and opportunities",
    description=(
        "Each item is matched by external_id within source; then created, updated (a different "
        "stage_id is a stage move), or left unchanged when its values are the record's already. "
        "Sending the same batch twice changes nothing the second time."
    ),
)
def opportunity_bulk(request: HttpRequest, payload: OpportunityBulk) -> dict[str, Any]:
    user = _user(request)
    results = upsert.upsert_items(payload.items, _opportunity_upsert(user, payload.source))
    return {"results": [result.__dict__ for result in results]}


def _opportunity_upsert(user: User, source: str) -> upsert.Upsert[BulkOpportunity]:
    def find(item: BulkOpportunity) -> Opportunity | None:
        pk = external_ids.record_id_for(
            source=source, model=Opportunity, external_id=item.external_id
        )
        if pk is None:
            return None
        found = Opportunity.all_objects.filter(access.visible(user), pk=pk).first()
        if found is not None and found.deleted_at is not None:
            raise ValidationError(
                {"external_id": _("This record is in the trash; restore it to update it.")}
            )
        return found

    def create(item: BulkOpportunity) -> Opportunity:
        if not item.title:
            raise ValidationError({"title": _("Enter a title.")})
        values = {**_values(user, item), **_placement(item.pipeline_id, item.stage_id, item.kind)}
        return services.opportunity_create(actor=user, values=values)

    def changes(opportunity: Opportunity, item: BulkOpportunity) -> dict[str, Any]:
        changed = _changed_values(opportunity, _values(user, item))
        if item.stage_id is not None and item.stage_id != opportunity.stage_id:
            changed[_MOVE] = _stage(item.stage_id)
        return changed

    def update(
        opportunity: Opportunity, item: BulkOpportunity, changed: dict[str, Any]
    ) -> Opportunity:
        stage = changed.pop(_MOVE, None)
        if changed:
            opportunity = services.opportunity_update(
                actor=user, opportunity=opportunity, values=changed, expected_version=None
            )
        if stage is not None:
            opportunity = services.opportunity_move_stage(
                actor=user, opportunity=opportunity, stage=stage
            )
        return opportunity

    def remember(opportunity: Opportunity, item: BulkOpportunity) -> None:
        external_ids.remember(source=source, record=opportunity, external_id=item.external_id)

    return upsert.Upsert(
        find=find,
        create=create,
        changes=changes,
        update=update,
        remember=remember,
        external_id=lambda item: item.external_id,
    )


_MOVE = "__stage"


def _changed_values(opportunity: Opportunity, values: dict[str, Any]) -> dict[str, Any]:
    """The service values that would change the opportunity, compared after the service's own
    normalization (a title's spaces, an email's case, the currency's)."""
    plain = {k: v for k, v in values.items() if k != "tags"}
    normalized = services.opportunity_normalized_values(opportunity=opportunity, values=plain)
    changed: dict[str, Any] = {}
    for key, value in plain.items():
        if key == "probability" and value is None:
            if opportunity.probability_overridden:
                changed[key] = value
        elif normalized[key] != getattr(opportunity, key):
            changed[key] = value
    if "tags" in values and {t.pk for t in values["tags"]} != {
        t.pk for t in opportunity.tags.all()
    }:
        changed["tags"] = values["tags"]
    return changed


# --- Pipelines, stages and the lists -------------------------------------------------------


def _pipelines() -> QuerySet[Pipeline]:
    return Pipeline.objects.prefetch_related(
        Prefetch("stages", queryset=Stage.objects.order_by("position", "id"))
    ).order_by("position", "name", "id")


@setup_router.get(
    "/pipelines",
    response=PipelineList,
    summary="List pipelines with their stages",
    description="In the order of the board's pipeline switcher.",
)
def pipeline_list(request: HttpRequest) -> dict[str, Any]:
    return {"items": [pipeline_out(pipeline) for pipeline in _pipelines()]}


@setup_router.get(
    "/pipelines/{int:pk}", response=PipelineOut, summary="Read a pipeline with its stages"
)
def pipeline_read(request: HttpRequest, pk: int) -> dict[str, Any]:
    access.access_pipeline(_user(request), pk)
    return pipeline_out(_pipelines().get(pk=pk))


@setup_router.get(
    "/pipelines/{int:pk}/stages", response=StageList, summary="List a pipeline's stages in order"
)
def pipeline_stage_list(request: HttpRequest, pk: int) -> dict[str, Any]:
    pipeline = access.access_pipeline(_user(request), pk)
    stages = pipeline.stages.order_by("position", "id")
    return {"items": [stage_out(stage) for stage in stages]}


def _choices(model: type[SeededChoice]) -> dict[str, Any]:
    rows = model.objects.order_by("position", "name", "id")  # type: ignore[attr-defined]
    return {"items": [_choice_out(choice) for choice in rows]}


@setup_router.get(
    "/lost-reasons",
    response=ChoiceList,
    summary="List lost reasons",
    description="What /opportunities/{id}/lose takes (by id or code).",
)
def lost_reason_list(request: HttpRequest) -> dict[str, Any]:
    return _choices(LostReason)


@setup_router.get(
    "/lead-sources",
    response=ChoiceList,
    summary="List lead sources",
    description="An opportunity's source, by code.",
)
def lead_source_list(request: HttpRequest) -> dict[str, Any]:
    return _choices(LeadSource)


@setup_router.get(
    "/product-interests",
    response=ChoiceList,
    summary="List product interests",
    description="An opportunity's product interest, by code.",
)
def product_interest_list(request: HttpRequest) -> dict[str, Any]:
    return _choices(ProductInterest)
