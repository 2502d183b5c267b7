"""Every write on the register. Values are normalized here (business IDs, phones, emails,
folded names), the duplicate guard runs here, and history is written through core.records."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sampo.accounts.access import require_admin
from sampo.accounts.models import User
from sampo.contacts import access, contact_details
from sampo.contacts.duplicates import Match, organization_matches, person_matches
from sampo.contacts.models import (
    KeyFigure,
    Membership,
    Organization,
    Person,
    RelationshipType,
    Tag,
)
from sampo.core import history, named_types, records
from sampo.core.custom_fields.services import custom_values_apply
from sampo.core.templatetags.sampo import money
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


def _apply_custom(
    values: dict[str, Any], record_type: str, current: Any, *, creating: bool = False
) -> None:
    """`values["custom"]` ({code: value or None}, only the fields being set) becomes the
    record's whole stored dict, checked field by field; a new record is checked for its
    required fields even when no custom value is given."""
    if "custom" in values or creating:
        values["custom"] = custom_values_apply(
            record_type_key=record_type,
            current=current,
            new=values.get("custom") or {},
            creating=creating,
        )


# The importer normalizes whole chunks of rows the same way before writing them in bulk.
normalize_organization_values = _normalize_organization
normalize_person_values = _normalize_person

DETAILS = "contact_details"


def _split_details(
    model: type[Organization] | type[Person],
    values: dict[str, Any],
    current: Organization | Person | None = None,
) -> tuple[dict[str, Any], list[contact_details.Detail] | None]:
    """`values` without their further emails and phones (rows of kind, value, label, primary),
    and those normalized; None when the caller did not give them (they stay as they are). A
    further value made primary has traded places with the column's value in the plain values."""
    plain = {k: v for k, v in values.items() if k != DETAILS}
    if values.get(DETAILS) is None:
        return plain, None
    country = plain.get("country") or (current.country if current else "") or "FI"
    details = contact_details.normalize(values[DETAILS], model=model, region=country)
    if current is not None:
        for column in contact_details.primary_columns(model):
            plain.setdefault(column, getattr(current, column))
    return plain, details


def _details_writer(details: list[contact_details.Detail] | None) -> Any:
    if details is None:
        return None
    return lambda record: contact_details.write(record, details)


def organization_create(
    *, actor: User | None, values: dict[str, Any], allow_duplicate: bool = False
) -> Organization:
    """`actor` None is the operator (demo loader, command line)."""
    if actor is not None:
        access.require_create(actor)
    values, details = _split_details(Organization, values)
    plain, m2m = _split_m2m(_normalize_organization(values), ORGANIZATION_M2M)
    if details:
        details = contact_details.promote(Organization, plain, details)
    _apply_custom(plain, "organization", None, creating=True)
    if not allow_duplicate:
        matches = organization_matches(
            name=plain.get("name", ""),
            business_id=plain.get("business_id", ""),
            emails=_all_of(contact_details.EMAIL, plain, ("email", "billing_email"), details),
            phones=_all_of(contact_details.PHONE, plain, ("phone",), details),
            city=plain.get("city", ""),
            country=plain.get("country", ""),
        )
        if matches:
            raise DuplicateError(matches)
    plain.setdefault("owner", actor)
    return records.record_create(
        Organization(**plain), actor=actor, m2m=m2m, children=_details_writer(details)
    )


def _all_of(
    kind: str,
    plain: dict[str, Any],
    columns: tuple[str, ...],
    details: list[contact_details.Detail] | None,
) -> tuple[str, ...]:
    """Every email (or phone) a new record would have: its columns and further values."""
    found = [plain.get(column, "") for column in columns]
    found += [d.value for d in details or [] if d.kind == kind]
    return tuple(dict.fromkeys(value for value in found if value))


def organization_update(
    *, actor: User, organization: Organization, values: dict[str, Any], expected_version: int | None
) -> Organization:
    access.require_edit(actor, organization)
    if "country" not in values:
        values = {**values, "country": organization.country}
    values, details = _split_details(Organization, values, organization)
    normalized = _normalize_organization(values)
    if details:
        details = contact_details.promote(Organization, normalized, details)
    _apply_custom(normalized, "organization", organization.custom)
    if normalized.get("parent") and normalized["parent"].pk == organization.pk:
        raise ValidationError({"parent": _("An organization cannot be its own parent.")})
    return records.record_update(
        organization,
        actor=actor,
        values=normalized,
        expected_version=expected_version,
        children=_details_writer(details),
    )


def organization_trash(*, actor: User, organization: Organization) -> Organization:
    access.require_delete(actor, organization)
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
        access.require_create(actor, Person)
    values, details = _split_details(Person, values)
    plain, m2m = _split_m2m(_normalize_person(values), PERSON_M2M)
    if details:
        details = contact_details.promote(Person, plain, details)
    _apply_custom(plain, "person", None, creating=True)
    if not allow_duplicate:
        matches = person_matches(
            first_name=plain.get("first_name", ""),
            last_name=plain.get("last_name", ""),
            emails=_all_of(contact_details.EMAIL, plain, ("email",), details),
            phones=_all_of(contact_details.PHONE, plain, ("phone", "mobile"), details),
        )
        if matches:
            raise DuplicateError(matches)
    plain.setdefault("owner", actor)
    with transaction.atomic():
        person = records.record_create(
            Person(**plain), actor=actor, m2m=m2m, children=_details_writer(details)
        )
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
    values, details = _split_details(Person, values, person)
    normalized = _normalize_person(values, current=person)
    _apply_custom(normalized, "person", person.custom)
    if details:
        details = contact_details.promote(Person, normalized, details)
    return records.record_update(
        person,
        actor=actor,
        values=normalized,
        expected_version=expected_version,
        children=_details_writer(details),
    )


def person_trash(*, actor: User, person: Person) -> Person:
    access.require_delete(actor, person)
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


def membership_set_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """The person's role in the organization changed (a new title in the same place)."""
    access.require_edit(actor, membership.person)
    role = role.strip()
    if role == membership.role:
        return membership
    with transaction.atomic():
        old = _membership_change(membership, joined=False)[0]
        membership.role = role
        membership.full_clean()
        membership.save(update_fields=["role"])
        new = _membership_change(membership, joined=True)[0]
        history.record_event(
            membership.person,
            actor=actor,
            event="membership_role_changed",
            changes=[{**new, "old": old["old"], "old_label": old["old_label"]}],
        )
    return membership


# --- Admin: relationship types ----------------------------------------------------------------


def relationship_type_create(*, actor: User, name: str) -> RelationshipType:
    require_admin(actor)
    name = named_types.clean_name(name, max_length=80)
    with transaction.atomic():
        return RelationshipType.objects.create(
            code=named_types.unique_code(RelationshipType, name),
            name=name,
            position=named_types.next_position(RelationshipType),
        )


def relationship_type_update(
    *, actor: User, relationship_type: RelationshipType, name: str, position: int | None = None
) -> RelationshipType:
    """Rename (a seeded type then shows the new name in every language) and place it."""
    require_admin(actor)
    name = named_types.clean_name(name, max_length=80)
    # The form shows a seeded type's translated label; saved unchanged, the type keeps its
    # seeded name and so stays translated.
    if name != str(relationship_type):
        relationship_type.name = name
    if position is not None:
        relationship_type.position = position
    with transaction.atomic():
        relationship_type.save(update_fields=["name", "position"])
    return relationship_type


def relationship_type_move(
    *, actor: User, relationship_type: RelationshipType, offset: int
) -> None:
    require_admin(actor)
    named_types.move(RelationshipType, relationship_type, offset)


def relationship_type_delete(*, actor: User, relationship_type: RelationshipType) -> None:
    """Only an unused type can go; organizations in the trash count as users too, so that
    restoring one never loses its relationship."""
    require_admin(actor)
    links = Organization.relationship_types.through.objects
    with transaction.atomic():
        used = links.filter(relationshiptype_id=relationship_type.pk).count()
        if used:
            raise ValidationError(
                ngettext(
                    "“%(name)s” is still used by %(count)d organization. Remove it from "
                    "that organization first (organizations in the trash count too).",
                    "“%(name)s” is still used by %(count)d organizations. Remove it from "
                    "them first (organizations in the trash count too).",
                    used,
                )
                % {"name": relationship_type, "count": used}
            )
        relationship_type.delete()


# --- Admin: tags --------------------------------------------------------------------------------


def _refuse_taken_tag_name(name: str, *, exclude: Tag | None = None) -> None:
    # Compared in Python: SQLite's LOWER() folds only ASCII, and "Ää" must clash with "ÄÄ".
    same_length = Tag.objects.annotate(length=Length("name")).filter(length=len(name))
    if exclude is not None:
        same_length = same_length.exclude(pk=exclude.pk)
    wanted = name.casefold()
    if any(other.casefold() == wanted for other in same_length.values_list("name", flat=True)):
        raise ValidationError(
            {"name": _("There is already a tag called “%(name)s”.") % {"name": name}}
        )


def tag_create(*, actor: User, name: str) -> Tag:
    require_admin(actor)
    name = named_types.clean_name(name, max_length=60)
    with transaction.atomic():
        _refuse_taken_tag_name(name)
        return Tag.objects.create(name=name)


def tag_rename(*, actor: User, tag: Tag, name: str) -> Tag:
    require_admin(actor)
    name = named_types.clean_name(name, max_length=60)
    with transaction.atomic():
        _refuse_taken_tag_name(name, exclude=tag)
        tag.name = name
        tag.save(update_fields=["name"])
    return tag


def tag_merge(*, actor: User, tag: Tag, into: Tag) -> Tag:
    """Every organization and person tagged `tag` gets `into` instead; `tag` is deleted."""
    require_admin(actor)
    if tag.pk == into.pk:
        raise ValidationError({"into": _("Choose another tag to merge into.")})
    with transaction.atomic():
        tag_links: list[tuple[Any, str]] = [
            (Organization.tags.through, "organization_id"),
            (Person.tags.through, "person_id"),
        ]
        for through, column in tag_links:
            links = through.objects
            already = links.filter(tag_id=into.pk).values(column)
            moving = links.filter(tag_id=tag.pk).exclude(**{f"{column}__in": already})
            ids = list(moving.values_list(column, flat=True))
            links.bulk_create([links.model(**{column: pk, "tag_id": into.pk}) for pk in ids])
        tag.delete()  # its remaining links go with it
    return into


def tag_delete(*, actor: User, tag: Tag) -> None:
    """The tag is taken off every organization and person that has it."""
    require_admin(actor)
    with transaction.atomic():
        tag.delete()


# --- Key figures --------------------------------------------------------------------------------

KEY_FIGURE_VALUES = ("revenue", "operating_profit", "employees", "currency")


def _money_text(amount: Decimal | None) -> str | None:
    # Quantized, so that 100 typed and 100.00 read back compare equal.
    return None if amount is None else str(Decimal(amount).quantize(Decimal("0.01")))


def _key_figure_state(figure: KeyFigure | None) -> dict[str, Any] | None:
    if figure is None:
        return None
    return {
        "year": figure.year,
        "revenue": _money_text(figure.revenue),
        "operating_profit": _money_text(figure.operating_profit),
        "employees": figure.employees,
        "currency": figure.currency,
    }


def _key_figure_label(figure: KeyFigure | None) -> str:
    if figure is None:
        return ""
    parts = []
    if figure.revenue is not None:
        parts.append(_("revenue %(amount)s") % {"amount": money(figure.revenue, figure.currency)})
    if figure.operating_profit is not None:
        parts.append(
            _("operating profit %(amount)s")
            % {"amount": money(figure.operating_profit, figure.currency)}
        )
    if figure.employees is not None:
        parts.append(
            ngettext("%(count)d employee", "%(count)d employees", figure.employees)
            % {"count": figure.employees}
        )
    return f"{figure.year}: {', '.join(parts)}" if parts else str(figure.year)


def _record_key_figures_change(
    organization: Organization, *, actor: User, old: KeyFigure | None, new: KeyFigure | None
) -> None:
    change = {
        "field": "key_figures",
        "old": _key_figure_state(old),
        "new": _key_figure_state(new),
        "old_label": _key_figure_label(old),
        "new_label": _key_figure_label(new),
    }
    if change["old"] != change["new"]:
        history.record_event(
            organization, actor=actor, event="key_figures_changed", changes=[change]
        )


def _validate_year(year: int) -> None:
    latest = timezone.localdate().year + 1
    if not 1900 <= year <= latest:
        raise ValidationError(
            {"year": _("Enter a year between 1900 and %(latest)d.") % {"latest": latest}}
        )


def key_figure_save(
    *,
    actor: User,
    organization: Organization,
    year: int,
    values: dict[str, Any],
    key_figure: KeyFigure | None = None,
) -> KeyFigure:
    """The figures of one financial year: a new year, or `key_figure` changed (its year too).
    A year has one row, so a year that already has figures is refused; edit that one."""
    access.require_edit(actor, organization)
    _validate_year(year)
    unknown = set(values) - set(KEY_FIGURE_VALUES)
    if unknown:
        raise ValueError(f"not key figure values: {sorted(unknown)}")
    with transaction.atomic():
        Organization.objects.select_for_update().filter(pk=organization.pk).first()
        taken = KeyFigure.objects.filter(organization=organization, year=year)
        if key_figure is not None:
            taken = taken.exclude(pk=key_figure.pk)
        if taken.exists():
            raise ValidationError(
                {"year": _("There are figures for %(year)d already; edit them.") % {"year": year}}
            )
        old = None
        if key_figure is not None:
            old = KeyFigure.objects.get(pk=key_figure.pk, organization=organization)
        figure = key_figure or KeyFigure(organization=organization)
        figure.year = year
        for name, value in values.items():
            setattr(figure, name, value)
        figure.currency = (figure.currency or settings.DEFAULT_CURRENCY).strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", figure.currency):
            raise ValidationError({"currency": _("Enter a three-letter currency code, e.g. EUR.")})
        figure.full_clean(exclude=["organization"], validate_unique=False)
        figure.save()
        _record_key_figures_change(organization, actor=actor, old=old, new=figure)
    return figure


def key_figure_delete(*, actor: User, key_figure: KeyFigure) -> None:
    organization = key_figure.organization
    access.require_edit(actor, organization)
    with transaction.atomic():
        key_figure.delete()
        _record_key_figures_change(organization, actor=actor, old=key_figure, new=None)
