"""People in the REST API, beside organizations (contacts/api.py, whose shape this follows):
the people list's filters, reads with their version, writes through the register's services,
bulk upsert matched by external id or email."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from sampo.accounts.models import User
from sampo.contacts import access, contact_details, external_ids, selectors, services
from sampo.contacts.api import ContactDetailSchema, _by_names, _id_of
from sampo.contacts.duplicates import person_matches
from sampo.contacts.models import Membership, Organization, Person, PersonContactDetail, Tag
from sampo.core.custom_fields.services import custom_values_apply
from sampo.core.records import StaleEditError
from sampo.lib.rest import paging, upsert
from sampo.lib.rest.schemas import Input, IsoDateTime, QueryInput
from sampo.lib.rest.versions import etag, expected_version

router = Router(tags=["people"])

PERSON_SORTS = {
    "name": "name_folded",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "id": "id",
}


# --- Schemas -------------------------------------------------------------------------------


class PersonFields(Input):
    """What a client may write; every field optional here, `last_name` required on create."""

    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    job_title: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=20)
    mobile: str | None = Field(None, max_length=20)
    street: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=2, description="ISO 3166 code, e.g. FI")
    preferred_language: str | None = Field(None, max_length=8, description="en, fi or hu")
    owner_id: int | None = None
    tags: list[str] | None = Field(None, description="Tag names; tags must exist")
    notes: str | None = Field(None, max_length=20000)
    custom: dict[str, Any] | None = Field(None, description="Custom field values by code")
    contact_details: list[ContactDetailSchema] | None = Field(
        None, description="Further emails and phones (replaces the list when given)"
    )


class PersonCreate(PersonFields):
    last_name: str = Field(..., min_length=1, max_length=100)
    organization_id: int | None = Field(
        None, description="Makes the person a member (primary contact) of this organization"
    )
    role: str = Field("", max_length=150, description="The person's role in that organization")
    allow_duplicate: bool = Field(
        False, description="Save even when a likely duplicate exists (otherwise 409)"
    )


class CurrentMembership(Schema):
    id: int
    organization_id: int
    role: str
    is_primary: bool


class PersonOut(Schema):
    id: int
    first_name: str
    last_name: str
    full_name: str
    job_title: str
    email: str
    phone: str
    mobile: str
    street: str
    postal_code: str
    city: str
    country: str
    preferred_language: str
    owner_id: int
    tags: list[str]
    notes: str
    custom: dict[str, Any]
    contact_details: list[ContactDetailSchema]
    memberships: list[CurrentMembership] = Field(
        ..., description="Current memberships in organizations not in the trash, primary first"
    )
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    deleted_at: datetime.datetime | None


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str | None
    sync_from: datetime.datetime | None = Field(
        None, description="With updated_since, on the last page: where to start the next sync"
    )


class PersonFilters(QueryInput):
    search: str = Field("", max_length=200, description="Name fragment, email or phone")
    owner_id: int | None = None
    organization_id: int | None = Field(
        None, description="People with a current membership in this organization"
    )
    tag: str = Field("", max_length=60, description="Tag name")
    city: str = Field("", max_length=100)
    updated_since: IsoDateTime | None = Field(
        None, description="Only records changed at or after this time, trashed ones included"
    )
    sort: str = Field(
        "name", max_length=100, description="name, created_at, updated_at, id; - for descending"
    )
    cursor: str | None = Field(None, max_length=2000)
    limit: int = Field(paging.DEFAULT_LIMIT, ge=1, le=paging.MAX_LIMIT)


class BulkPerson(PersonFields):
    external_id: str | None = Field(
        None, max_length=200, description="The record's id in your system"
    )


class PersonBulk(Input):
    source: str = Field(
        ..., min_length=1, max_length=100, description="Your system's name, e.g. erp"
    )
    items: list[BulkPerson] = Field(..., min_length=1, max_length=upsert.MAX_ITEMS)


# --- Representation ------------------------------------------------------------------------

_PLAIN_FIELDS = [
    "first_name",
    "last_name",
    "full_name",
    "job_title",
    "email",
    "phone",
    "mobile",
    "street",
    "postal_code",
    "city",
    "country",
    "preferred_language",
    "owner_id",
    "notes",
    "version",
    "created_at",
    "updated_at",
    "deleted_at",
]


def person_out(person: Person) -> dict[str, Any]:
    """The person as the API shows it; `person` comes from `_rows` (its relations fetched)."""
    return {
        **{name: getattr(person, name) for name in _PLAIN_FIELDS},
        "id": person.pk,
        "tags": sorted(t.name for t in person.tags.all()),
        "custom": person.custom or {},
        "contact_details": [
            {"kind": d.kind, "value": d.value, "label": d.label}
            for d in person.contact_details.all()
        ],
        "memberships": [
            {
                "id": m.pk,
                "organization_id": m.organization_id,
                "role": m.role,
                "is_primary": m.is_primary,
            }
            for m in _current_memberships(person)
        ],
    }


def _current_memberships(person: Person) -> list[Membership]:
    """As `selectors.person_rows` fetched them; queried for a person from elsewhere (a
    webhook payload)."""
    fetched = getattr(person, "current_memberships", None)
    if fetched is not None:
        return list(fetched)
    current = person.memberships.filter(end_date__isnull=True, organization__deleted_at=None)
    return list(current.order_by("-is_primary", "id"))


def _with_details(rows: QuerySet[Person]) -> QuerySet[Person]:
    details = PersonContactDetail.objects.order_by("position", "id")
    return rows.prefetch_related(Prefetch("contact_details", queryset=details))


def _read(user: User, pk: int) -> Person:
    access.access_person(user, pk)
    return _with_details(selectors.person_rows(user=user, trashed_too=True)).get(pk=pk)


# --- Input → service values ----------------------------------------------------------------

_REFERENCES = frozenset({"tags", "owner_id", "custom", "contact_details"})
_NOT_VALUES = {"allow_duplicate", "external_id", "organization_id", "role"}


def _values(fields: PersonFields) -> dict[str, Any]:
    given = fields.model_dump(exclude_unset=True, exclude=_NOT_VALUES)
    values: dict[str, Any] = {
        key: ("" if value is None else value)
        for key, value in given.items()
        if key not in _REFERENCES
    }
    if "tags" in given:
        values["tags"] = _by_names(Tag, "name", given["tags"] or [], "tags")
    if "owner_id" in given:
        values["owner"] = _owner(given["owner_id"])
    if "custom" in given:
        values["custom"] = given["custom"] or {}
    if "contact_details" in given:
        values[services.DETAILS] = [
            {"kind": d["kind"], "value": d["value"], "label": d.get("label", "other")}
            for d in given["contact_details"] or []
        ]
    return values


def _owner(pk: int | None) -> User:
    owner = User.objects.filter(pk=pk, is_active=True).first() if pk is not None else None
    if owner is None:
        raise ValidationError({"owner_id": _("No active user has this id.")})
    return owner


def _organization(user: User, pk: int | None) -> Organization | None:
    if pk is None:
        return None
    found = Organization.objects.filter(access.visible(user, Organization), pk=pk).first()
    if found is None:
        raise ValidationError({"organization_id": _("No organization has this id.")})
    return found


# --- Endpoints -----------------------------------------------------------------------------


@router.get("/people", response=PersonPage, summary="List people")
def person_list(request: HttpRequest, filters: Query[PersonFilters]) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    syncing = filters.updated_since is not None
    rows = selectors.person_rows(
        user=user,
        search=filters.search,
        owner=filters.owner_id,
        tag=_id_of(Tag, "name", filters.tag),
        organization=filters.organization_id,
        city=filters.city,
        trashed_too=syncing,
    )
    if syncing:
        rows = rows.filter(updated_at__gte=filters.updated_since)
    page = paging.paginate(
        _with_details(rows),
        fields=paging.sort_fields("updated_at" if syncing else filters.sort, PERSON_SORTS, "name"),
        cursor=filters.cursor,
        limit=filters.limit,
        syncing=syncing,
    )
    return {
        "items": [person_out(row) for row in page.rows],
        "next_cursor": page.next_cursor,
        "sync_from": page.sync_from,
    }


@router.get("/people/{int:pk}", response=PersonOut, summary="Read a person")
def person_read(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    person = _read(request.user, pk)  # type: ignore[arg-type]
    response["ETag"] = etag(person.version)
    return person_out(person)


@router.post(
    "/people",
    response={201: PersonOut},
    summary="Create a person",
    description=(
        "With organization_id (and role), the person becomes that organization's primary "
        "contact. 409 with the likely duplicates unless allow_duplicate is true."
    ),
)
def person_create(
    request: HttpRequest, payload: PersonCreate, response: HttpResponse
) -> Status[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    person = services.person_create(
        actor=user,
        values=_values(payload),
        organization=_organization(user, payload.organization_id),
        role=payload.role,
        allow_duplicate=payload.allow_duplicate,
    )
    response["ETag"] = etag(person.version)
    response["Location"] = f"{request.path.rstrip('/')}/{person.pk}"
    return Status(201, person_out(_read(user, person.pk)))


@router.patch("/people/{int:pk}", response=PersonOut, summary="Change a person")
def person_update(
    request: HttpRequest, pk: int, payload: PersonFields, response: HttpResponse
) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    person = access.access_person(user, pk, write=True)
    person = services.person_update(
        actor=user,
        person=person,
        values=_values(payload),
        expected_version=expected_version(request),
    )
    response["ETag"] = etag(person.version)
    return person_out(_read(user, pk))


@router.delete("/people/{int:pk}", response={204: None}, summary="Move a person to the trash")
def person_delete(request: HttpRequest, pk: int) -> Status[None]:
    user: User = request.user  # type: ignore[assignment]
    person = access.access_person(user, pk)
    version = expected_version(request)
    if version is not None and version != person.version:
        raise StaleEditError(person.version)
    services.person_trash(actor=user, person=person)
    return Status(204, None)


@router.post(
    "/people/bulk",
    response=upsert.BulkResult,
    summary="Create or update up to 1,000 people",
    description=(
        "Each item is matched by external_id (within source), else by email; then created, "
        "updated, or left unchanged when its values are the record's already. Sending the "
        "same batch twice changes nothing the second time."
    ),
)
def person_bulk(request: HttpRequest, payload: PersonBulk) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    results = upsert.upsert_items(payload.items, _person_upsert(user, payload.source))
    return {"results": [result.__dict__ for result in results]}


def _person_upsert(user: User, source: str) -> upsert.Upsert[BulkPerson]:
    def find(item: BulkPerson) -> Person | None:
        if item.external_id:
            pk = external_ids.record_id_for(
                source=source, model=Person, external_id=item.external_id
            )
            if pk is not None and (found := _visible(user, pk)) is not None:
                return found
        if item.email:
            for match in person_matches(emails=(item.email,)):
                if match.reason == "email" and (found := _visible(user, match.record.pk)):
                    return found
        return None

    def create(item: BulkPerson) -> Person:
        if not item.last_name:
            raise ValidationError({"last_name": _("This field is required.")})
        return services.person_create(actor=user, values=_values(item), allow_duplicate=True)

    def changes(person: Person, item: BulkPerson) -> dict[str, Any]:
        return _changed_values(person, _values(item))

    def update(person: Person, item: BulkPerson, changed: dict[str, Any]) -> Person:
        return services.person_update(
            actor=user, person=person, values=changed, expected_version=None
        )

    def remember(person: Person, item: BulkPerson) -> None:
        if item.external_id:
            external_ids.remember(source=source, record=person, external_id=item.external_id)

    return upsert.Upsert(
        find=find,
        create=create,
        changes=changes,
        update=update,
        remember=remember,
        external_id=lambda item: item.external_id,
    )


def _visible(user: User, pk: int) -> Person | None:
    return Person.objects.filter(access.visible(user, Person), pk=pk).first()


_COMPARED_APART = frozenset({"tags", "custom", services.DETAILS})


def _changed_values(person: Person, values: dict[str, Any]) -> dict[str, Any]:
    """The service values that would change the person, compared after the service's own
    normalization (a phone typed nationally equals its stored E.164)."""
    plain = {k: v for k, v in values.items() if k not in _COMPARED_APART}
    normalized = services.normalize_person_values(
        {"country": person.country, **plain}, current=person
    )
    changed = {k: v for k, v in plain.items() if normalized[k] != getattr(person, k)}
    if "tags" in values and {t.pk for t in values["tags"]} != {t.pk for t in person.tags.all()}:
        changed["tags"] = values["tags"]
    if values.get("custom") and custom_values_apply(
        record_type_key="person", current=person.custom, new=values["custom"]
    ) != (person.custom or None):
        changed["custom"] = values["custom"]
    if services.DETAILS in values:
        wanted = contact_details.normalize(
            values[services.DETAILS], model=Person, region=person.country or "FI"
        )
        current = [(d.kind, d.value, d.label) for d in person.contact_details.all()]
        if [(d.kind, d.value, d.label) for d in wanted] != current:
            changed[services.DETAILS] = values[services.DETAILS]
    return changed
