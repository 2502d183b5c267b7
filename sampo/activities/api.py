"""Activities in the REST API: logged (done) and planned ones, with complete, reschedule and
cancel as actions, through the same selectors and services as My day and the timelines.
Attachments stay out of the API for now."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from sampo.accounts.models import User
from sampo.activities import access, regarding, selectors, services
from sampo.activities.models import Activity, ActivityType
from sampo.contacts import access as contacts_access
from sampo.contacts.models import Organization, Person
from sampo.core.records import StaleEditError
from sampo.lib.rest import paging
from sampo.lib.rest.problems import ApiError
from sampo.lib.rest.schemas import Input, IsoDate, IsoDateTime, IsoTime, QueryInput
from sampo.lib.rest.versions import etag, expected_version

router = Router(tags=["activities"])

ACTIVITY_SORTS = {
    "when": "when",
    "updated_at": "updated_at",
    "created_at": "created_at",
    "id": "id",
}
REGARDING_HELP = 'A record of another domain, as "app.model:id", e.g. sales.opportunity:42'


# --- Schemas -------------------------------------------------------------------------------


class RegardingOut(Schema):
    type: str = Field(..., description="app.model, e.g. sales.opportunity")
    id: int


class ActivityOut(Schema):
    id: int
    type: str = Field(..., description="Activity type code (see /activity-types)")
    subject: str
    body: str
    status: Literal["planned", "done", "cancelled"]
    when: datetime.datetime = Field(
        ..., description="When it happened (done) or is due (planned; the day's start if no time)"
    )
    day: datetime.date = Field(..., description="The date of `when` in the assignee's time zone")
    has_time: bool
    duration_minutes: int | None
    outcome: str
    assignee_id: int
    organization_id: int | None
    person_ids: list[int]
    regarding: RegardingOut | None
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    deleted_at: datetime.datetime | None


class ActivityPage(Schema):
    items: list[ActivityOut]
    next_cursor: str | None
    sync_from: datetime.datetime | None = Field(
        None, description="With updated_since, on the last page: where to start the next sync"
    )


class ActivityFilters(QueryInput):
    organization_id: int | None = None
    person_id: int | None = None
    regarding: str = Field("", max_length=80, description=REGARDING_HELP)
    type: str = Field("", max_length=40, description="Activity type code")
    status: Literal["planned", "done", "cancelled"] | None = None
    assignee_id: int | None = None
    due_from: IsoDate | None = Field(None, description="Day on or after (its own date)")
    due_to: IsoDate | None = Field(None, description="Day on or before")
    updated_since: IsoDateTime | None = Field(
        None, description="Only activities changed at or after this time, trashed ones included"
    )
    sort: str = Field(
        "-when", max_length=100, description="when, updated_at, created_at, id; - for descending"
    )
    cursor: str | None = Field(None, max_length=2000)
    limit: int = Field(paging.DEFAULT_LIMIT, ge=1, le=paging.MAX_LIMIT)


class ActivityChange(Input):
    type: str | None = Field(None, max_length=40, description="Activity type code")
    subject: str | None = Field(None, min_length=1, max_length=200)
    body: str | None = Field(None, max_length=20000)
    duration_minutes: int | None = Field(None, ge=0, le=100_000)
    outcome: str | None = Field(None, max_length=200)
    organization_id: int | None = None
    person_ids: list[int] | None = Field(None, max_length=100)
    assignee_id: int | None = Field(None, description="Planned activities only")


class ActivityCreate(Input):
    status: Literal["done", "planned"] = Field(
        "done", description="done: log what happened; planned: schedule a follow-up"
    )
    type: str = Field(..., max_length=40, description="Activity type code")
    subject: str = Field(..., min_length=1, max_length=200)
    body: str = Field("", max_length=20000)
    when: IsoDateTime | None = Field(
        None, strict=False, description="done: when it happened (default now; never in the future)"
    )
    due_date: IsoDate | None = Field(None, strict=False, description="planned: the day it is due")
    due_time: IsoTime | None = Field(
        None,
        strict=False,
        description="planned: the time (in the assignee's time zone); none for all day",
    )
    assignee_id: int | None = Field(None, description="planned: who does it (default you)")
    duration_minutes: int | None = Field(None, ge=0, le=100_000)
    outcome: str = Field("", max_length=200, description="done: how it went")
    organization_id: int | None = None
    person_ids: list[int] = Field(default_factory=list, max_length=100)
    regarding: str = Field("", max_length=80, description=REGARDING_HELP)


class ActivityComplete(Input):
    outcome: str = Field("", max_length=200)


class ActivityReschedule(Input):
    due_date: IsoDate = Field(..., strict=False)
    due_time: IsoTime | None = Field(None, strict=False)


class ActivityTypeOut(Schema):
    code: str
    name: str


# --- Representation ------------------------------------------------------------------------

_PLAIN_FIELDS = [
    "subject",
    "body",
    "status",
    "when",
    "day",
    "has_time",
    "duration_minutes",
    "outcome",
    "assignee_id",
    "organization_id",
    "version",
    "created_at",
    "updated_at",
    "deleted_at",
]


def activity_out(activity: Activity) -> dict[str, Any]:
    about = None
    if activity.regarding_type_id and activity.regarding_id:
        kind = ContentType.objects.get_for_id(activity.regarding_type_id)
        about = {"type": f"{kind.app_label}.{kind.model}", "id": activity.regarding_id}
    return {
        **{name: getattr(activity, name) for name in _PLAIN_FIELDS},
        "id": activity.pk,
        "type": activity.type.code,
        "person_ids": _person_ids(activity),
        "regarding": about,
    }


def _person_ids(activity: Activity) -> list[int]:
    fetched = getattr(activity, "person_ids", None)
    if fetched is None:  # an activity from elsewhere (a webhook payload)
        fetched = selectors.with_person_ids([activity])[0].person_ids  # type: ignore[attr-defined]
    return list(fetched)


def _read(user: User, pk: int) -> Activity:
    access.access_activity(user, pk)
    return selectors.with_person_ids([selectors.activity_rows(user=user).get(pk=pk)])[0]


def _answer(user: User, activity: Activity, response: HttpResponse) -> dict[str, Any]:
    fresh = _read(user, activity.pk)
    response["ETag"] = etag(fresh.version)
    return activity_out(fresh)


# --- Input → service arguments -------------------------------------------------------------


def _type(code: str) -> ActivityType:
    found = ActivityType.objects.filter(code=code).first()
    if found is None:
        raise ValidationError({"type": _("Unknown: %(names)s.") % {"names": code}})
    return found


def _organization(user: User, pk: int | None) -> Organization | None:
    if pk is None:
        return None
    visible = contacts_access.visible(user, Organization)
    found = Organization.objects.filter(visible, pk=pk).first()
    if found is None:
        raise ValidationError({"organization_id": _("No organization has this id.")})
    return found


def _people(user: User, pks: list[int]) -> list[Person]:
    visible = contacts_access.visible(user, Person)
    found = {p.pk: p for p in Person.objects.filter(visible, pk__in=pks)}
    missing = [str(pk) for pk in pks if pk not in found]
    if missing:
        raise ValidationError(
            {"person_ids": _("Unknown: %(names)s.") % {"names": ", ".join(missing)}}
        )
    return [found[pk] for pk in dict.fromkeys(pks)]


def _assignee(pk: int | None) -> User | None:
    if pk is None:
        return None
    found = User.objects.filter(pk=pk, is_active=True).first()
    if found is None:
        raise ValidationError({"assignee_id": _("No active user has this id.")})
    return found


def _regarding(user: User, value: str) -> Any:
    try:
        return regarding.resolve(user, value)
    except Http404:
        raise ValidationError({"regarding": _("Unknown: %(names)s.") % {"names": value}}) from None


def _regarding_filter(user: User, value: str) -> Any:
    try:
        return regarding.resolve(user, value)
    except Http404:
        raise ApiError(
            400,
            _("Bad list parameters"),
            _("Unknown: %(names)s.") % {"names": value},
            kind="bad-request",
        ) from None


def _type_id(code: str) -> int | None:
    if not code:
        return None
    found = ActivityType.objects.filter(code=code).values_list("pk", flat=True).first()
    if found is None:
        raise ApiError(
            400,
            _("Bad list parameters"),
            _("Unknown: %(names)s.") % {"names": code},
            kind="bad-request",
        )
    return int(found)


# --- Endpoints -----------------------------------------------------------------------------


@router.get("/activities", response=ActivityPage, summary="List activities")
def activity_list(request: HttpRequest, filters: Query[ActivityFilters]) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    about = _regarding_filter(user, filters.regarding) if filters.regarding else None
    syncing = filters.updated_since is not None
    rows: QuerySet[Activity] = selectors.activity_rows(
        user=user,
        organization=filters.organization_id,
        person=filters.person_id,
        regarding_type=(
            ContentType.objects.get_for_model(about, for_concrete_model=False) if about else None
        ),
        regarding_id=about.pk if about else None,
        type_id=_type_id(filters.type),
        status=filters.status or "",
        assignee=filters.assignee_id,
        due_from=filters.due_from,
        due_to=filters.due_to,
        trashed_too=syncing,
    )
    if syncing:
        rows = rows.filter(updated_at__gte=filters.updated_since)
    page = paging.paginate(
        rows,
        fields=paging.sort_fields(
            "updated_at" if syncing else filters.sort, ACTIVITY_SORTS, "-when"
        ),
        cursor=filters.cursor,
        limit=filters.limit,
        syncing=syncing,
    )
    return {
        "items": [activity_out(row) for row in selectors.with_person_ids(page.rows)],
        "next_cursor": page.next_cursor,
        "sync_from": page.sync_from,
    }


@router.get("/activities/{int:pk}", response=ActivityOut, summary="Read an activity")
def activity_read(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    activity = _read(request.user, pk)  # type: ignore[arg-type]
    response["ETag"] = etag(activity.version)
    return activity_out(activity)


@router.post(
    "/activities",
    response={201: ActivityOut},
    summary="Log or schedule an activity",
    description=(
        "status done logs what happened (when, outcome); status planned schedules a "
        "follow-up (due_date, optional due_time, assignee_id)."
    ),
)
def activity_create(
    request: HttpRequest, payload: ActivityCreate, response: HttpResponse
) -> Status[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    common: dict[str, Any] = {
        "actor": user,
        "type": _type(payload.type),
        "subject": payload.subject,
        "body": payload.body,
        "duration_minutes": payload.duration_minutes,
        "organization": _organization(user, payload.organization_id),
        "people": _people(user, payload.person_ids),
        "regarding": _regarding(user, payload.regarding) if payload.regarding else None,
    }
    if payload.status == "planned":
        if payload.due_date is None:
            raise ValidationError({"due_date": _("This field is required.")})
        activity = services.activity_schedule(
            **common,
            day=payload.due_date,
            time=payload.due_time,
            assignee=_assignee(payload.assignee_id),
        )
    else:
        activity = services.activity_log(**common, when=payload.when, outcome=payload.outcome)
    response["Location"] = f"{request.path.rstrip('/')}/{activity.pk}"
    return Status(201, _answer(user, activity, response))


@router.patch(
    "/activities/{int:pk}",
    response=ActivityOut,
    summary="Change an activity",
    description="The due date moves with /reschedule, the status with /complete and /cancel.",
)
def activity_update(
    request: HttpRequest, pk: int, payload: ActivityChange, response: HttpResponse
) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    activity = access.access_activity(user, pk, write=True)
    given = payload.model_dump(exclude_unset=True)
    values: dict[str, Any] = {
        k: ("" if v is None and k in ("body", "outcome") else v)
        for k, v in given.items()
        if k in ("subject", "body", "duration_minutes", "outcome")
    }
    if "subject" in values and not values["subject"]:
        raise ValidationError({"subject": _("This field is required.")})
    if given.get("type") is not None:
        values["type"] = _type(given["type"])
    if "organization_id" in given:
        values["organization"] = _organization(user, given["organization_id"])
    activity = services.activity_update(
        actor=user,
        activity=activity,
        values=values,
        people=_people(user, given["person_ids"] or []) if "person_ids" in given else None,
        assignee=_assignee(given.get("assignee_id")),
        expected_version=expected_version(request),
    )
    return _answer(user, activity, response)


@router.delete(
    "/activities/{int:pk}", response={204: None}, summary="Move an activity to the trash"
)
def activity_delete(request: HttpRequest, pk: int) -> Status[None]:
    user: User = request.user  # type: ignore[assignment]
    activity = access.access_activity(user, pk)
    version = expected_version(request)
    if version is not None and version != activity.version:
        raise StaleEditError(activity.version)
    services.activity_trash(actor=user, activity=activity)
    return Status(204, None)


@router.post(
    "/activities/{int:pk}/complete",
    response=ActivityOut,
    summary="Mark a planned activity done",
    description="Done now, with an optional outcome. 422 if it is not planned.",
)
def activity_complete(
    request: HttpRequest, pk: int, payload: ActivityComplete, response: HttpResponse
) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    activity = _checked(request, access.access_activity(user, pk, write=True))
    activity = services.activity_complete(actor=user, activity=activity, outcome=payload.outcome)
    return _answer(user, activity, response)


@router.post(
    "/activities/{int:pk}/reschedule",
    response=ActivityOut,
    summary="Move a planned activity to another day or time",
)
def activity_reschedule(
    request: HttpRequest, pk: int, payload: ActivityReschedule, response: HttpResponse
) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    activity = services.activity_reschedule(
        actor=user,
        activity=access.access_activity(user, pk, write=True),
        day=payload.due_date,
        time=payload.due_time,
        expected_version=expected_version(request),
    )
    return _answer(user, activity, response)


@router.post(
    "/activities/{int:pk}/cancel",
    response=ActivityOut,
    summary="Cancel a planned activity",
    description="422 if it is not planned.",
)
def activity_cancel(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    activity = _checked(request, access.access_activity(user, pk, write=True))
    activity = services.activity_cancel(actor=user, activity=activity)
    return _answer(user, activity, response)


def _checked(request: HttpRequest, activity: Activity) -> Activity:
    """An action with a stale If-Match is refused like an edit."""
    version = expected_version(request)
    if version is not None and version != activity.version:
        raise StaleEditError(activity.version)
    return activity


@router.get(
    "/activity-types",
    response=list[ActivityTypeOut],
    summary="List activity types",
    description="In their order; `name` in the caller's language.",
)
def activity_type_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"code": t.code, "name": str(t)} for t in ActivityType.objects.order_by("position", "name")
    ]
