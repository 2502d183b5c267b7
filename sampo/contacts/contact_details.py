"""Further emails and phones of organizations and people, beside the primary ones.

The primary values are columns of the record (`email`, `phone`, a person's `mobile`, an
organization's `billing_email`), so lists, exports and matching read them without a join; the
others are rows of `PersonContactDetail` / `OrganizationContactDetail`, normalized the same way
(emails lowercased, phones in E.164). Making a further value primary swaps it with the column
it belongs in, so there is always exactly one primary value per column.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Model, Q, QuerySet
from django.db.models.functions import Lower
from django.db.models.lookups import In
from django.utils.translation import gettext as _

from sampo.contacts.models import (
    ContactDetail,
    Organization,
    OrganizationContactDetail,
    Person,
    PersonContactDetail,
)
from sampo.lib.phones import normalize_phone

EMAIL = ContactDetail.Kind.EMAIL
PHONE = ContactDetail.Kind.PHONE
Label = ContactDetail.Label
Record = Organization | Person

# The labels each record type offers in its form.
LABELS = {
    Person: [Label.WORK, Label.HOME, Label.MOBILE, Label.OTHER],
    Organization: [Label.WORK, Label.BILLING, Label.MOBILE, Label.OTHER],
}


@dataclass(frozen=True)
class Detail:
    kind: str
    value: str
    label: str = Label.OTHER
    primary: bool = False  # the user asked for it to become the primary value


def detail_model(model: type[Model]) -> Any:
    return PersonContactDetail if model is Person else OrganizationContactDetail


def owner_field(model: type[Model]) -> str:
    return "person" if model is Person else "organization"


def primary_column(model: type[Model], detail: Detail) -> str:
    """The record's column a value of this kind and label is the primary of."""
    if detail.kind == EMAIL:
        return (
            "billing_email" if model is Organization and detail.label == Label.BILLING else "email"
        )
    return "mobile" if model is Person and detail.label == Label.MOBILE else "phone"


# The label a primary value gets when a further value takes its place.
COLUMN_LABELS = {
    "email": Label.WORK,
    "billing_email": Label.BILLING,
    "phone": Label.WORK,
    "mobile": Label.MOBILE,
}


def primary_columns(model: type[Model]) -> dict[str, str]:
    """Column → kind."""
    if model is Person:
        return {"email": EMAIL, "phone": PHONE, "mobile": PHONE}
    return {"email": EMAIL, "billing_email": EMAIL, "phone": PHONE}


def normalize_email(raw: str) -> str:
    value = (raw or "").strip().lower()
    validate_email(value)
    return value


def normalize(rows: list[dict[str, Any]], *, model: type[Model], region: str) -> list[Detail]:
    """Rows as a form or a file gives them (kind, value, label, primary) normalized, blank ones
    left out; a ValidationError on `contact_details` names every bad value."""
    found: list[Detail] = []
    errors: list[str] = []
    allowed = {str(label) for label in LABELS[model]}  # type: ignore[index]
    for row in rows:
        raw = (row.get("value") or "").strip()
        if not raw:
            continue
        kind = row.get("kind") or (EMAIL if "@" in raw else PHONE)
        label = row.get("label") or Label.OTHER
        if label not in allowed:
            label = Label.OTHER
        try:
            value = (
                normalize_email(raw)
                if kind == EMAIL
                else normalize_phone(raw, default_region=region or "FI")
            )
        except ValidationError:
            errors.append(
                _("“%(value)s” is not a valid email address.") % {"value": raw}
                if kind == EMAIL
                else _("“%(value)s” is not a valid phone number.") % {"value": raw}
            )
            continue
        found.append(Detail(kind, value, label, bool(row.get("primary"))))
    if errors:
        raise ValidationError({"contact_details": errors})
    return found


def promote(model: type[Model], values: dict[str, Any], details: list[Detail]) -> list[Detail]:
    """A further value marked primary trades places with its column's value (in `values`,
    which holds the record's primary columns as they will be saved)."""
    kept: list[Detail] = []
    for detail in details:
        column = primary_column(model, detail)
        if not detail.primary or values.get(column) == detail.value:
            kept.append(Detail(detail.kind, detail.value, detail.label))
            continue
        if old := values.get(column):
            kept.append(Detail(detail.kind, old, COLUMN_LABELS[column]))
        values[column] = detail.value
    return kept


def write(record: Record, details: list[Detail]) -> None:
    """Replace the record's further values: a value that is one of its primary values, or
    repeats another, is left out."""
    model = type(record)
    rows = detail_model(model)
    taken = {(kind, getattr(record, column)) for column, kind in primary_columns(model).items()}
    new: list[Any] = []
    for detail in details:
        if (detail.kind, detail.value) in taken:
            continue
        taken.add((detail.kind, detail.value))
        new.append(
            rows(
                **{owner_field(model): record},
                kind=detail.kind,
                label=detail.label,
                value=detail.value,
                position=len(new),
            )
        )
    rows.objects.filter(**{owner_field(model): record}).delete()
    rows.objects.bulk_create(new)


# --- Finding records by any of their values ---------------------------------------------------


def having(model: type[Model], kind: str, values: Collection[str], *, eager: bool = False) -> Q:
    """Records that have one of `values` as a further value (its index serves the lookup);
    `eager` runs that lookup now and gives the ids."""
    owners = (
        detail_model(model)
        .objects.filter(kind=kind, value__in=list(values))
        .values_list(owner_field(model), flat=True)
    )
    return Q(pk__in=list(owners) if eager else owners)


def with_email(model: type[Model], emails: Collection[str], *, eager: bool = False) -> Q:
    """Records whose primary or further email is one of `emails` (lowercased)."""
    if model is Person:
        # The expression the person_email_idx index is built on.
        condition = Q(In(Lower("email"), list(emails)))
    else:
        condition = Q(email__in=list(emails)) | Q(billing_email__in=list(emails))
    return condition | having(model, EMAIL, emails, eager=eager)


def with_phone(model: type[Model], phones: Collection[str], *, eager: bool = False) -> Q:
    """Records whose primary or further phone is one of `phones` (E.164)."""
    condition = Q(phone__in=list(phones))
    if model is Person:
        condition |= Q(mobile__in=list(phones))
    return condition | having(model, PHONE, phones, eager=eager)


def of(record: Record) -> QuerySet[Any]:
    return detail_model(type(record)).objects.filter(**{owner_field(type(record)): record})
