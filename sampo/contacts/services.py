"""Every write on the register. Values are normalized here (business IDs, phones, emails,
folded names), the duplicate guard runs here, and history is written through core.records."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sampo.accounts.models import User
from sampo.contacts import access
from sampo.contacts.duplicates import Match, organization_matches, person_matches
from sampo.contacts.models import Membership, Organization, Person
from sampo.core import history, records
from sampo.lib.business_ids import parse_business_id
from sampo.lib.phones import normalize_phone
from sampo.lib.text import fold

ORGANIZATION_M2M = ("tags", "relationship_types")
PERSON_M2M = ("tags",)


class DuplicateError(Exception):
    """The record likely exists already; nothing was saved. Saving anyway needs a confirmation."""

    def __init__(self, matches: list[Match]) -> None:
        super().__init__("likely duplicate")
        self.matches = matches


def _split_m2m(values: dict[str, Any], names: tuple[str, ...]) -> tuple[dict, dict]:
    plain = {k: v for k, v in values.items() if k not in names}
    return plain, {k: v for k, v in values.items() if k in names}


def _normalize_phones(values: dict[str, Any], fields: tuple[str, ...], region: str) -> None:
    errors = {}
    for field in fields:
        if values.get(field):
            try:
                values[field] = normalize_phone(values[field], default_region=region or "FI")
            except ValidationError as error:
                errors[field] = error.messages
    if errors:
        raise ValidationError(errors)


def _normalize_organization(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    if "name" in values:
        values["name"] = values["name"].strip()
        values["name_folded"] = fold(values["name"])
    if "email" in values:
        values["email"] = (values["email"] or "").strip().lower()
    if values.get("business_id"):
        try:
            parsed = parse_business_id(values["business_id"], country=values.get("country", ""))
        except ValidationError as error:
            raise ValidationError({"business_id": error.messages}) from error
        values.update(
            business_id=parsed.value,
            business_id_kind=parsed.kind,
            business_id_key=parsed.match_key,
        )
    elif "business_id" in values:
        values.update(business_id="", business_id_kind="", business_id_key="")
    _normalize_phones(values, ("phone",), values.get("country", "FI"))
    return values


def _normalize_person(values: dict[str, Any], current: Person | None = None) -> dict[str, Any]:
    values = dict(values)
    for field in ("first_name", "last_name"):
        if field in values:
            values[field] = (values[field] or "").strip()
    first = values.get("first_name", current.first_name if current else "")
    last = values.get("last_name", current.last_name if current else "")
    values["name_folded"] = fold(f"{first} {last}")
    if "email" in values:
        values["email"] = (values["email"] or "").strip().lower()
    _normalize_phones(values, ("phone", "mobile"), values.get("country", "FI"))
    return values


def organization_create(
    *, actor: User | None, values: dict[str, Any], allow_duplicate: bool = False
) -> Organization:
    """`actor` None is the operator (demo loader, command line)."""
    if actor is not None:
        access.require_create(actor)
    plain, m2m = _split_m2m(_normalize_organization(values), ORGANIZATION_M2M)
    if not allow_duplicate:
        matches = organization_matches(
            name=plain.get("name", ""),
            business_id=plain.get("business_id", ""),
            email=plain.get("email", ""),
            phone=plain.get("phone", ""),
            city=plain.get("city", ""),
            country=plain.get("country", ""),
        )
        if matches:
            raise DuplicateError(matches)
    plain.setdefault("owner", actor)
    return records.record_create(Organization(**plain), actor=actor, m2m=m2m)


def organization_update(
    *, actor: User, organization: Organization, values: dict[str, Any], expected_version: int | None
) -> Organization:
    access.require_edit(actor, organization)
    if "country" not in values:
        values = {**values, "country": organization.country}
    normalized = _normalize_organization(values)
    if normalized.get("parent") and normalized["parent"].pk == organization.pk:
        raise ValidationError({"parent": _("An organization cannot be its own parent.")})
    return records.record_update(
        organization, actor=actor, values=normalized, expected_version=expected_version
    )


def organization_trash(*, actor: User, organization: Organization) -> Organization:
    access.require_edit(actor, organization)
    return records.record_trash(organization, actor=actor)


def person_create(
    *,
    actor: User | None,
    values: dict[str, Any],
    organization: Organization | None = None,
    role: str = "",
    allow_duplicate: bool = False,
) -> Person:
    if actor is not None:
        access.require_create(actor)
    plain, m2m = _split_m2m(_normalize_person(values), PERSON_M2M)
    if not allow_duplicate:
        matches = person_matches(
            first_name=plain.get("first_name", ""),
            last_name=plain.get("last_name", ""),
            email=plain.get("email", ""),
            phones=(plain.get("phone", ""), plain.get("mobile", "")),
        )
        if matches:
            raise DuplicateError(matches)
    plain.setdefault("owner", actor)
    with transaction.atomic():
        person = records.record_create(Person(**plain), actor=actor, m2m=m2m)
        if organization is not None:
            Membership.objects.create(
                person=person, organization=organization, role=role, is_primary=True
            )
    return person


def person_update(
    *, actor: User, person: Person, values: dict[str, Any], expected_version: int | None
) -> Person:
    access.require_edit(actor, person)
    if "country" not in values:
        values = {**values, "country": person.country}
    return records.record_update(
        person,
        actor=actor,
        values=_normalize_person(values, current=person),
        expected_version=expected_version,
    )


def person_trash(*, actor: User, person: Person) -> Person:
    access.require_edit(actor, person)
    return records.record_trash(person, actor=actor)


def _membership_change(membership: Membership, *, joined: bool) -> list[dict[str, Any]]:
    label = membership.organization.name + (f" ({membership.role})" if membership.role else "")
    side = {"value": membership.organization_id, "label": label}
    empty = {"value": None, "label": ""}
    old, new = (empty, side) if joined else (side, empty)
    return [
        {
            "field": "memberships",
            "old": old["value"],
            "new": new["value"],
            "old_label": old["label"],
            "new_label": new["label"],
        }
    ]


def membership_add(
    *,
    actor: User,
    person: Person,
    organization: Organization,
    role: str = "",
    is_primary: bool = False,
    start_date: datetime.date | None = None,
) -> Membership:
    access.require_edit(actor, person)
    with transaction.atomic():
        if is_primary:
            person.memberships.filter(is_primary=True).update(is_primary=False)
        membership = Membership(
            person=person,
            organization=organization,
            role=role.strip(),
            is_primary=is_primary,
            start_date=start_date,
        )
        membership.full_clean()
        membership.save()
        history.record_event(
            person,
            actor=actor,
            event="joined_organization",
            changes=_membership_change(membership, joined=True),
        )
    return membership


def membership_end(*, actor: User, membership: Membership, end_date: datetime.date) -> Membership:
    """The person left the organization: the membership stays, dated, as part of their story."""
    access.require_edit(actor, membership.person)
    if membership.start_date and end_date < membership.start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    with transaction.atomic():
        membership.end_date = end_date
        membership.is_primary = False
        membership.save(update_fields=["end_date", "is_primary"])
        history.record_event(
            membership.person,
            actor=actor,
            event="left_organization",
            changes=_membership_change(membership, joined=False),
        )
    return membership
