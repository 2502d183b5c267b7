"""The register in the REST API: organizations (and, beside them, their people, memberships and
key figures). Thin: schemas in, the same selectors and services as the screens, schemas out."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from sampo.accounts.models import User
from sampo.contacts import access, contact_details, external_ids, selectors, services
from sampo.contacts.duplicates import organization_matches
from sampo.contacts.models import (
    Industry,
    Organization,
    OrganizationContactDetail,
    RelationshipType,
    Tag,
)
from sampo.core.custom_fields.services import custom_values_apply
from sampo.core.records import StaleEditError
from sampo.lib.rest import paging, upsert
from sampo.lib.rest.problems import ApiError
from sampo.lib.rest.schemas import Input, IsoDateTime, QueryInput
from sampo.lib.rest.versions import etag, expected_version

router = Router(tags=["organizations"])

ORGANIZATION_SORTS = {
    "name": "name_folded",
    "city": "city",
    "created_at": "created_at",
    "updated_at": "updated_at",
    "id": "id",
}
# Keys that identify an organization for certain: a bulk item matching one updates it.
CERTAIN_MATCHES = frozenset({"business_id", "email"})


# --- Schemas -------------------------------------------------------------------------------


class ContactDetailSchema(Input):
    kind: Literal["email", "phone"]
    value: str = Field(max_length=254)
    label: Literal["work", "home", "mobile", "billing", "other"] = "other"


class OrganizationFields(Input):
    """What a client may write; every field optional here, `name` required on create."""

    name: str | None = Field(None, max_length=200)
    business_id: str | None = Field(None, max_length=32)
    industry: str | None = Field(None, description="Industry code (NACE), e.g. 62.01")
    website: str | None = Field(None, max_length=300)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=40)
    street: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=2, description="ISO 3166 code, e.g. FI")
    postal_street: str | None = Field(None, max_length=200)
    postal_postal_code: str | None = Field(None, max_length=20)
    postal_city: str | None = Field(None, max_length=100)
    billing_street: str | None = Field(None, max_length=200)
    billing_postal_code: str | None = Field(None, max_length=20)
    billing_city: str | None = Field(None, max_length=100)
    billing_email: str | None = Field(None, max_length=254)
    relationship_types: list[str] | None = Field(None, description="Relationship type codes")
    parent_id: int | None = None
    owner_id: int | None = None
    tags: list[str] | None = Field(None, description="Tag names; tags must exist")
    notes: str | None = Field(None, max_length=20000)
    custom: dict[str, Any] | None = Field(None, description="Custom field values by code")
    contact_details: list[ContactDetailSchema] | None = Field(
        None, description="Further emails and phones (replaces the list when given)"
    )


class OrganizationCreate(OrganizationFields):
    name: str = Field(..., min_length=1, max_length=200)
    allow_duplicate: bool = Field(
        False, description="Save even when a likely duplicate exists (otherwise 409)"
    )


class OrganizationOut(Schema):
    id: int
    name: str
    business_id: str
    business_id_kind: str
    industry: str | None
    website: str
    email: str
    phone: str
    street: str
    postal_code: str
    city: str
    country: str
    postal_street: str
    postal_postal_code: str
    postal_city: str
    billing_street: str
    billing_postal_code: str
    billing_city: str
    billing_email: str
    relationship_types: list[str]
    parent_id: int | None
    owner_id: int | None
    tags: list[str]
    notes: str
    custom: dict[str, Any]
    contact_details: list[ContactDetailSchema]
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    deleted_at: datetime.datetime | None


class OrganizationPage(Schema):
    items: list[OrganizationOut]
    next_cursor: str | None
    sync_from: datetime.datetime | None = Field(
        None, description="With updated_since, on the last page: where to start the next sync"
    )


class OrganizationFilters(QueryInput):
    search: str = Field(
        "", max_length=200, description="Name fragment, email, phone or business ID"
    )
    owner_id: int | None = None
    city: str = Field("", max_length=100)
    tag: str = Field("", max_length=60, description="Tag name")
    relationship_type: str = Field("", max_length=40, description="Relationship type code")
    industry: str = Field(
        "", max_length=8, description="Industry code; a section includes its divisions"
    )
    updated_since: IsoDateTime | None = Field(
        None, description="Only records changed at or after this time, trashed ones included"
    )
    sort: str = Field(
        "name",
        max_length=100,
        description="name, city, created_at, updated_at, id; - for descending",
    )
    cursor: str | None = Field(None, max_length=2000)
    limit: int = Field(paging.DEFAULT_LIMIT, ge=1, le=paging.MAX_LIMIT)


class BulkOrganization(OrganizationFields):
    external_id: str | None = Field(
        None, max_length=200, description="The record's id in your system"
    )


class OrganizationBulk(Input):
    source: str = Field(
        ..., min_length=1, max_length=100, description="Your system's name, e.g. erp"
    )
    items: list[BulkOrganization] = Field(..., min_length=1, max_length=upsert.MAX_ITEMS)


# --- Representation ------------------------------------------------------------------------


def organization_out(organization: Organization) -> dict[str, Any]:
    plain = {name: getattr(organization, name) for name in _PLAIN_FIELDS}
    return {
        **plain,
        "id": organization.pk,
        "industry": organization.industry.code if organization.industry else None,
        "relationship_types": [r.code for r in organization.relationship_types.all()],
        "parent_id": organization.parent_id,
        "owner_id": organization.owner_id,
        "tags": sorted(t.name for t in organization.tags.all()),
        "custom": organization.custom or {},
        "contact_details": [
            {"kind": d.kind, "value": d.value, "label": d.label}
            for d in organization.contact_details.all()
        ],
    }


_PLAIN_FIELDS = [
    "name",
    "business_id",
    "business_id_kind",
    "website",
    "email",
    "phone",
    "street",
    "postal_code",
    "city",
    "country",
    "postal_street",
    "postal_postal_code",
    "postal_city",
    "billing_street",
    "billing_postal_code",
    "billing_city",
    "billing_email",
    "notes",
    "version",
    "created_at",
    "updated_at",
    "deleted_at",
]


def _with_related(rows: Any) -> Any:
    return rows.select_related("industry").prefetch_related(
        "relationship_types",
        "tags",
        Prefetch(
            "contact_details", queryset=OrganizationContactDetail.objects.order_by("position", "id")
        ),
    )


def _read(user: User, pk: int) -> Organization:
    access.access_organization(user, pk)
    return _with_related(Organization.objects.filter(pk=pk)).get()


# --- Input → service values ----------------------------------------------------------------


def _by_names(model: Any, attribute: str, names: list[str], field: str) -> list[Any]:
    found = {
        getattr(row, attribute): row for row in model.objects.filter(**{f"{attribute}__in": names})
    }
    missing = [name for name in names if name not in found]
    if missing:
        raise ValidationError({field: _("Unknown: %(names)s.") % {"names": ", ".join(missing)}})
    return [found[name] for name in names]


def _values(user: User, fields: OrganizationFields) -> dict[str, Any]:
    """The schema's given fields as the services take them: references resolved (codes,
    names, ids the user may see), further emails and phones as details."""
    given = fields.model_dump(exclude_unset=True, exclude={"allow_duplicate", "external_id"})
    values: dict[str, Any] = {
        key: ("" if value is None else value)
        for key, value in given.items()
        if key not in _REFERENCES
    }
    if "industry" in given:
        code = given["industry"]
        values["industry"] = _by_names(Industry, "code", [code], "industry")[0] if code else None
    if "relationship_types" in given:
        values["relationship_types"] = _by_names(
            RelationshipType, "code", given["relationship_types"] or [], "relationship_types"
        )
    if "tags" in given:
        values["tags"] = _by_names(Tag, "name", given["tags"] or [], "tags")
    if "owner_id" in given:
        values["owner"] = _owner(given["owner_id"])
    if "parent_id" in given:
        values["parent"] = _parent(user, given["parent_id"])
    if "custom" in given:
        values["custom"] = given["custom"] or {}
    if "contact_details" in given:
        values[services.DETAILS] = [
            {"kind": d["kind"], "value": d["value"], "label": d.get("label", "other")}
            for d in given["contact_details"] or []
        ]
    return values


_REFERENCES = frozenset(
    {"industry", "relationship_types", "tags", "owner_id", "parent_id", "custom", "contact_details"}
)


def _owner(pk: int | None) -> User | None:
    if pk is None:
        raise ValidationError({"owner_id": _("Every organization has an owner.")})
    owner = User.objects.filter(pk=pk, is_active=True).first()
    if owner is None:
        raise ValidationError({"owner_id": _("No active user has this id.")})
    return owner


def _parent(user: User, pk: int | None) -> Organization | None:
    if pk is None:
        return None
    parent = Organization.objects.filter(access.visible(user, Organization), pk=pk).first()
    if parent is None:
        raise ValidationError({"parent_id": _("No organization has this id.")})
    return parent


# --- Endpoints -----------------------------------------------------------------------------


@router.get("/organizations", response=OrganizationPage, summary="List organizations")
def organization_list(request: HttpRequest, filters: Query[OrganizationFilters]) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    rows = selectors.organization_rows(
        user=user,
        search=filters.search,
        owner=filters.owner_id,
        city=filters.city,
        tag=_id_of(Tag, "name", filters.tag),
        relationship=_id_of(RelationshipType, "code", filters.relationship_type),
        industry=_id_of(Industry, "code", filters.industry),
        trashed_too=filters.updated_since is not None,
    )
    syncing = filters.updated_since is not None
    if syncing:
        rows = rows.filter(updated_at__gte=filters.updated_since)
    sort = "updated_at" if syncing else filters.sort
    page = paging.paginate(
        _with_related(rows),
        fields=paging.sort_fields(sort, ORGANIZATION_SORTS, "name"),
        cursor=filters.cursor,
        limit=filters.limit,
        syncing=syncing,
    )
    return {
        "items": [organization_out(row) for row in page.rows],
        "next_cursor": page.next_cursor,
        "sync_from": page.sync_from,
    }


def _id_of(model: Any, attribute: str, value: str) -> int | None:
    """A filter given by code or name, as the id the selector takes; an unknown one matches
    nothing rather than everything."""
    if not value:
        return None
    found = model.objects.filter(**{attribute: value}).values_list("pk", flat=True).first()
    if found is None:
        raise ApiError(
            400,
            _("Bad list parameters"),
            _("Unknown: %(names)s.") % {"names": value},
            kind="bad-request",
        )
    return int(found)


@router.get("/organizations/{int:pk}", response=OrganizationOut, summary="Read an organization")
def organization_read(request: HttpRequest, pk: int, response: HttpResponse) -> dict[str, Any]:
    organization = _read(request.user, pk)  # type: ignore[arg-type]
    response["ETag"] = etag(organization.version)
    return organization_out(organization)


@router.post(
    "/organizations",
    response={201: OrganizationOut},
    summary="Create an organization",
    description="409 with the likely duplicates unless allow_duplicate is true.",
)
def organization_create(
    request: HttpRequest, payload: OrganizationCreate, response: HttpResponse
) -> Status[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    organization = services.organization_create(
        actor=user, values=_values(user, payload), allow_duplicate=payload.allow_duplicate
    )
    response["ETag"] = etag(organization.version)
    response["Location"] = f"{request.path.rstrip('/')}/{organization.pk}"
    return Status(201, organization_out(_read(user, organization.pk)))


@router.patch("/organizations/{int:pk}", response=OrganizationOut, summary="Change an organization")
def organization_update(
    request: HttpRequest, pk: int, payload: OrganizationFields, response: HttpResponse
) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    organization = access.access_organization(user, pk, write=True)
    organization = services.organization_update(
        actor=user,
        organization=organization,
        values=_values(user, payload),
        expected_version=expected_version(request),
    )
    response["ETag"] = etag(organization.version)
    return organization_out(_read(user, pk))


@router.delete(
    "/organizations/{int:pk}", response={204: None}, summary="Move an organization to the trash"
)
def organization_delete(request: HttpRequest, pk: int) -> Status[None]:
    user: User = request.user  # type: ignore[assignment]
    organization = access.access_organization(user, pk)
    version = expected_version(request)
    if version is not None and version != organization.version:
        raise StaleEditError(organization.version)
    services.organization_trash(actor=user, organization=organization)
    return Status(204, None)


@router.post(
    "/organizations/bulk",
    response=upsert.BulkResult,
    summary="Create or update up to 1,000 organizations",
    description=(
        "Each item is matched by external_id (within source), else by business ID or email; "
        "then created, updated, or left unchanged when its values are the record's already. "
        "Sending the same batch twice changes nothing the second time."
    ),
)
def organization_bulk(request: HttpRequest, payload: OrganizationBulk) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    results = upsert.upsert_items(payload.items, _organization_upsert(user, payload.source))
    return {"results": [result.__dict__ for result in results]}


def _organization_upsert(user: User, source: str) -> upsert.Upsert[BulkOrganization]:
    def find(item: BulkOrganization) -> Organization | None:
        if item.external_id:
            pk = external_ids.record_id_for(
                source=source, model=Organization, external_id=item.external_id
            )
            if pk is not None and (found := _visible(user, pk)) is not None:
                return found
        for match in organization_matches(
            business_id=item.business_id or "",
            emails=tuple(e for e in (item.email,) if e),
            country=item.country or "",
        ):
            if match.reason in CERTAIN_MATCHES and (found := _visible(user, match.record.pk)):
                return found
        return None

    def create(item: BulkOrganization) -> Organization:
        if not item.name:
            raise ValidationError({"name": _("This field is required.")})
        # The certain keys (external id, business ID, email) found no record: a similar name
        # alone does not hold an item back here, as it would on the form (people bulk alike).
        return services.organization_create(
            actor=user, values=_values(user, item), allow_duplicate=True
        )

    def changes(organization: Organization, item: BulkOrganization) -> dict[str, Any]:
        return _changed_values(organization, _values(user, item))

    def update(
        organization: Organization, item: BulkOrganization, changed: dict[str, Any]
    ) -> Organization:
        return services.organization_update(
            actor=user, organization=organization, values=changed, expected_version=None
        )

    def remember(organization: Organization, item: BulkOrganization) -> None:
        if item.external_id:
            external_ids.remember(source=source, record=organization, external_id=item.external_id)

    return upsert.Upsert(
        find=find,
        create=create,
        changes=changes,
        update=update,
        remember=remember,
        external_id=lambda item: item.external_id,
    )


def _visible(user: User, pk: int) -> Organization | None:
    return Organization.objects.filter(access.visible(user, Organization), pk=pk).first()


def _changed_values(organization: Organization, values: dict[str, Any]) -> dict[str, Any]:
    """The service values that would change the organization, compared after the same
    normalization the service applies (a phone typed nationally equals its stored E.164)."""
    plain = {k: v for k, v in values.items() if k not in _COMPARED_APART}
    normalized = services.normalize_organization_values({"country": organization.country, **plain})
    changed = {k: v for k, v in plain.items() if normalized[k] != getattr(organization, k)}
    for name in ("tags", "relationship_types"):
        if name in values and {r.pk for r in values[name]} != {
            r.pk for r in getattr(organization, name).all()
        }:
            changed[name] = values[name]
    if values.get("custom") and custom_values_apply(
        record_type_key="organization", current=organization.custom, new=values["custom"]
    ) != (organization.custom or None):
        changed["custom"] = values["custom"]
    if services.DETAILS in values:
        wanted = contact_details.normalize(
            values[services.DETAILS], model=Organization, region=organization.country or "FI"
        )
        current = [(d.kind, d.value, d.label) for d in organization.contact_details.all()]
        if [(d.kind, d.value, d.label) for d in wanted] != current:
            changed[services.DETAILS] = values[services.DETAILS]
    return changed


_COMPARED_APART = frozenset({"tags", "relationship_types", "custom", services.DETAILS})
