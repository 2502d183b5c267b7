"""The register's smaller resources in the REST API: memberships (a person's place in an
organization), an organization's key figures by year, and tags (admins change them)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from sampo.accounts.models import User
from sampo.contacts import access, services
from sampo.contacts.models import KeyFigure, Membership, Organization, Person, Tag
from sampo.lib.rest.schemas import Input, IsoDate

router = Router(tags=["memberships, key figures, tags"])


# --- Memberships ---------------------------------------------------------------------------


class MembershipOut(Schema):
    id: int
    person_id: int
    organization_id: int
    role: str
    is_primary: bool
    start_date: datetime.date | None
    end_date: datetime.date | None
    is_current: bool


class MembershipCreate(Input):
    person_id: int
    organization_id: int
    role: str = Field("", max_length=150)
    is_primary: bool = Field(False, description="Makes this the person's primary organization")
    start_date: IsoDate | None = Field(None, strict=False)


class MembershipChange(Input):
    role: str | None = Field(None, max_length=150)
    end_date: IsoDate | None = Field(
        None,
        strict=False,
        description="The person left the organization on this day (ends the membership)",
    )


def membership_out(membership: Membership) -> dict[str, Any]:
    return {
        "id": membership.pk,
        "person_id": membership.person_id,
        "organization_id": membership.organization_id,
        "role": membership.role,
        "is_primary": membership.is_primary,
        "start_date": membership.start_date,
        "end_date": membership.end_date,
        "is_current": membership.is_current,
    }


def _memberships(user: User) -> Any:
    """Memberships whose person and organization the user may both see."""
    people = Person.objects.filter(access.visible(user, Person)).values("pk")
    organizations = Organization.objects.filter(access.visible(user, Organization)).values("pk")
    return Membership.objects.filter(person__in=people, organization__in=organizations).order_by(
        "end_date", "-is_primary", "id"
    )


@router.get(
    "/organizations/{int:pk}/memberships",
    response=list[MembershipOut],
    summary="List an organization's memberships",
    description="Current ones first, then ended ones; people the caller may not see are left out.",
)
def organization_membership_list(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    organization = access.access_organization(user, pk)
    rows = _memberships(user).filter(organization=organization)
    return [membership_out(m) for m in rows]


@router.get(
    "/people/{int:pk}/memberships",
    response=list[MembershipOut],
    summary="List a person's memberships",
    description="Current ones first, then ended ones.",
)
def person_membership_list(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    person = access.access_person(user, pk)
    return [membership_out(m) for m in _memberships(user).filter(person=person)]


@router.post(
    "/memberships",
    response={201: MembershipOut},
    summary="Add a person to an organization",
)
def membership_create(request: HttpRequest, payload: MembershipCreate) -> Status[dict[str, Any]]:
    user: User = request.user  # type: ignore[assignment]
    person = access.access_person(user, payload.person_id)
    organization = access.access_organization(user, payload.organization_id)
    membership = services.membership_add(
        actor=user,
        person=person,
        organization=organization,
        role=payload.role,
        is_primary=payload.is_primary,
        start_date=payload.start_date,
    )
    return Status(201, membership_out(membership))


@router.get("/memberships/{int:pk}", response=MembershipOut, summary="Read a membership")
def membership_read(request: HttpRequest, pk: int) -> dict[str, Any]:
    return membership_out(_membership(request.user, pk))  # type: ignore[arg-type]


def _membership(user: User, pk: int) -> Membership:
    found = _memberships(user).select_related("person", "organization").filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


@router.patch(
    "/memberships/{int:pk}",
    response=MembershipOut,
    summary="Change or end a membership",
    description="role renames the person's role; end_date ends a current membership.",
)
def membership_update(request: HttpRequest, pk: int, payload: MembershipChange) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    membership = _membership(user, pk)
    if payload.role is not None:
        membership = services.membership_set_role(
            actor=user, membership=membership, role=payload.role
        )
    if payload.end_date is not None and payload.end_date != membership.end_date:
        if membership.end_date is not None:
            raise ValidationError({"end_date": _("This membership has ended already.")})
        membership = services.membership_end(
            actor=user, membership=membership, end_date=payload.end_date
        )
    return membership_out(membership)


# --- Key figures ---------------------------------------------------------------------------


class KeyFigureValues(Input):
    revenue: Decimal | None = Field(None, max_digits=16, decimal_places=2, strict=False)
    operating_profit: Decimal | None = Field(None, max_digits=16, decimal_places=2, strict=False)
    employees: int | None = Field(None, ge=0, le=10_000_000)
    currency: str = Field("", max_length=3, description="ISO 4217 code; default EUR")


class KeyFigureOut(Schema):
    year: int
    revenue: Decimal | None
    operating_profit: Decimal | None
    employees: int | None
    currency: str


def key_figure_out(figure: KeyFigure) -> dict[str, Any]:
    return {
        "year": figure.year,
        "revenue": _cents(figure.revenue),
        "operating_profit": _cents(figure.operating_profit),
        "employees": figure.employees,
        "currency": figure.currency,
    }


def _cents(amount: Decimal | None) -> Decimal | None:
    # As stored, whichever database: 100 typed reads back as 100.00.
    return None if amount is None else Decimal(amount).quantize(Decimal("0.01"))


@router.get(
    "/organizations/{int:pk}/key-figures",
    response=list[KeyFigureOut],
    summary="List an organization's key figures",
    description="One row per financial year, the latest first.",
)
def organization_key_figure_list(request: HttpRequest, pk: int) -> list[dict[str, Any]]:
    organization = access.access_organization(request.user, pk)  # type: ignore[arg-type]
    return [key_figure_out(f) for f in organization.key_figures.order_by("-year")]


@router.get(
    "/organizations/{int:pk}/key-figures/{int:year}",
    response=KeyFigureOut,
    summary="Read an organization's key figures of a year",
)
def organization_key_figure_read(request: HttpRequest, pk: int, year: int) -> dict[str, Any]:
    organization = access.access_organization(request.user, pk)  # type: ignore[arg-type]
    figure = KeyFigure.objects.filter(organization=organization, year=year).first()
    if figure is None:
        raise Http404
    return key_figure_out(figure)


@router.put(
    "/organizations/{int:pk}/key-figures/{int:year}",
    response=KeyFigureOut,
    summary="Set an organization's key figures of a year",
    description="Creates the year's figures or replaces them.",
)
def organization_key_figure_put(
    request: HttpRequest, pk: int, year: int, payload: KeyFigureValues
) -> dict[str, Any]:
    user: User = request.user  # type: ignore[assignment]
    organization = access.access_organization(user, pk, write=True)
    figure = services.key_figure_save(
        actor=user,
        organization=organization,
        year=year,
        values=payload.model_dump(),
        key_figure=KeyFigure.objects.filter(organization=organization, year=year).first(),
    )
    return key_figure_out(figure)


@router.delete(
    "/organizations/{int:pk}/key-figures/{int:year}",
    response={204: None},
    summary="Delete an organization's key figures of a year",
)
def organization_key_figure_delete(request: HttpRequest, pk: int, year: int) -> Status[None]:
    user: User = request.user  # type: ignore[assignment]
    organization = access.access_organization(user, pk, write=True)
    figure = KeyFigure.objects.filter(organization=organization, year=year).first()
    if figure is None:
        raise Http404
    figure.organization = organization
    services.key_figure_delete(actor=user, key_figure=figure)
    return Status(204, None)


# --- Tags ----------------------------------------------------------------------------------


class TagOut(Schema):
    id: int
    name: str


class TagWrite(Input):
    name: str = Field(..., min_length=1, max_length=60)


def tag_out(tag: Tag) -> dict[str, Any]:
    return {"id": tag.pk, "name": tag.name}


@router.get("/tags", response=list[TagOut], summary="List tags", description="By name.")
def tag_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [tag_out(t) for t in Tag.objects.order_by("name", "id")]


@router.post("/tags", response={201: TagOut}, summary="Create a tag", description="Admins only.")
def tag_create(request: HttpRequest, payload: TagWrite) -> Status[dict[str, Any]]:
    tag = services.tag_create(actor=request.user, name=payload.name)  # type: ignore[arg-type]
    return Status(201, tag_out(tag))


@router.get("/tags/{int:pk}", response=TagOut, summary="Read a tag")
def tag_read(request: HttpRequest, pk: int) -> dict[str, Any]:
    return tag_out(_tag(pk))


@router.patch("/tags/{int:pk}", response=TagOut, summary="Rename a tag", description="Admins only.")
def tag_update(request: HttpRequest, pk: int, payload: TagWrite) -> dict[str, Any]:
    tag = _tag(pk)
    tag = services.tag_rename(actor=request.user, tag=tag, name=payload.name)  # type: ignore[arg-type]
    return tag_out(tag)


@router.delete(
    "/tags/{int:pk}",
    response={204: None},
    summary="Delete a tag",
    description="Admins only. The tag is taken off every record that has it.",
)
def tag_delete(request: HttpRequest, pk: int) -> Status[None]:
    services.tag_delete(actor=request.user, tag=_tag(pk))  # type: ignore[arg-type]
    return Status(204, None)


def _tag(pk: int) -> Tag:
    tag = Tag.objects.filter(pk=pk).first()
    if tag is None:
        raise Http404
    return tag
