"""Admin writes on custom field definitions: add, change (labels, choices, required, help),
move, archive and restore. A definition is never deleted: its values stay on the records."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from sampo.accounts.access import require_admin
from sampo.accounts.models import User
from sampo.core import named_types
from sampo.core.custom_fields import definitions, indexes, merged, record_type, values
from sampo.core.models import CustomField

Kind = CustomField.Kind
CHOICE_KINDS = {Kind.CHOICE, Kind.MULTI_CHOICE}


def _code(label: str, taken: set[str], *, limit: int = 40) -> str:
    base = re.sub(r"[^a-z0-9_]", "", slugify(label).replace("-", "_"))[: limit - 4] or "field"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}_{n}", n + 1
    return code


def _add_choices(choices: list[dict[str, Any]], labels: list[str]) -> list[dict[str, Any]]:
    result = list(choices)
    taken = {choice["key"] for choice in result}
    known = {choice["label"].casefold() for choice in result}
    for label in labels:
        label = " ".join(label.split())[:100]
        if not label or label.casefold() in known:
            continue
        key = _code(label, taken, limit=40)
        taken.add(key)
        known.add(label.casefold())
        result.append({"key": key, "label": label, "archived": False})
    return result


def _check_choices(kind: str, choices: list[dict[str, Any]]) -> None:
    if kind in CHOICE_KINDS and not any(not c.get("archived") for c in choices):
        raise ValidationError({"new_choices": _("Give at least one choice.")})
    labels = [" ".join(c["label"].split()).casefold() for c in choices]
    if any(not label for label in labels):
        raise ValidationError({"new_choices": _("A choice needs a name.")})
    if len(set(labels)) != len(labels):
        raise ValidationError({"new_choices": _("Two choices have the same name.")})


def custom_field_create(
    *,
    actor: User,
    record_type_key: str,
    label: str,
    kind: str,
    labels: dict[str, str] | None = None,
    currency: str = "",
    required: bool = False,
    help_text: str = "",
    new_choices: list[str] | None = None,
) -> CustomField:
    require_admin(actor)
    if record_type(record_type_key) is None:
        raise ValidationError(_("Unknown record type."))
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a type.")})
    label = named_types.clean_name(label, max_length=100)
    choices = _add_choices([], new_choices or []) if kind in CHOICE_KINDS else []
    _check_choices(kind, choices)
    with transaction.atomic():
        rows = CustomField.objects.filter(record_type=record_type_key)
        taken = set(rows.values_list("code", flat=True))
        field = CustomField.objects.create(
            record_type=record_type_key,
            code=_code(label, taken),
            label=label,
            labels=labels or {},
            kind=kind,
            choices=choices,
            currency=currency if kind == Kind.MONEY else "",
            required=required,
            help_text=help_text,
            position=named_types.next_position(rows),
        )
        indexes.index_refresh_on_commit(field)
    return field


def custom_field_update(
    *,
    actor: User,
    field: CustomField,
    label: str,
    labels: dict[str, str] | None = None,
    currency: str = "",
    required: bool = False,
    help_text: str = "",
    choices: list[dict[str, Any]] | None = None,
    new_choices: list[str] | None = None,
) -> CustomField:
    """Renamed choices keep their keys, so every record keeps its value; an archived choice
    stays on the records that have it and is no longer offered."""
    require_admin(actor)
    field.label = named_types.clean_name(label, max_length=100)
    field.labels = labels or {}
    field.required = required
    field.help_text = help_text
    if field.kind == Kind.MONEY:
        field.currency = currency
    if field.kind in CHOICE_KINDS:
        known = {c["key"] for c in field.choices or []}
        given = [c for c in (choices or []) if c["key"] in known]
        kept = {c["key"] for c in given}
        given += [c for c in field.choices or [] if c["key"] not in kept]
        updated = [
            {
                "key": c["key"],
                "label": " ".join(c["label"].split())[:100],
                "archived": c["archived"],
            }
            for c in given
        ]
        field.choices = _add_choices(updated, new_choices or [])
        _check_choices(field.kind, field.choices)
    with transaction.atomic():
        field.save(
            update_fields=["label", "labels", "required", "help_text", "currency", "choices"]
        )
    return field


def custom_field_move(*, actor: User, field: CustomField, offset: int) -> None:
    require_admin(actor)
    named_types.move(CustomField.objects.filter(record_type=field.record_type), field, offset)


def custom_field_archive(*, actor: User, field: CustomField, archived: bool) -> CustomField:
    """Archiving hides the field from forms, lists, filters, imports and exports; the values
    stay on the records and come back with the field."""
    require_admin(actor)
    field.is_archived = archived
    with transaction.atomic():
        field.save(update_fields=["is_archived"])
        indexes.index_refresh_on_commit(field)
    return field


def custom_values_apply(
    *,
    record_type_key: str,
    current: dict[str, Any] | None,
    new: dict[str, Any],
    creating: bool = False,
) -> dict[str, Any] | None:
    """A record's stored values with `new` ({code: value or None}) applied, each value checked
    against its field; a value of an unknown or archived field is refused. A required field
    must have a value on a new record (`creating`) and cannot be emptied on an existing one;
    a record made before the field became required keeps working until someone sets it."""
    fields = {f.code: f for f in definitions(record_type_key)}
    errors: dict[str, list[str]] = {}
    checked: dict[str, Any] = {}
    for code, value in new.items():
        field = fields.get(code)
        if field is None:
            errors.setdefault("custom", []).append(_("Unknown field “%(code)s”.") % {"code": code})
            continue
        try:
            checked[code] = values.check(field, value)
        except ValidationError as error:
            errors[field.key] = error.messages
    result = merged(current, checked)
    for field in missing_required(fields.values(), result, new, creating=creating):
        errors.setdefault(field.key, []).append(REQUIRED_MESSAGE())
    if errors:
        raise ValidationError(errors)
    return result


def REQUIRED_MESSAGE() -> str:  # noqa: N802 (a message, read at the time of the error)
    return _("This field is required.")


def missing_required(
    fields: Iterable[CustomField],
    stored: dict[str, Any] | None,
    new: dict[str, Any],
    *,
    creating: bool,
) -> list[CustomField]:
    """The required fields (a yes-or-no field's "no" is a value, so never one of them) that
    `stored` lacks: on a new record all of them, on an existing one those `new` empties."""
    stored = stored or {}
    return [
        field
        for field in fields
        if field.required
        and not field.is_archived
        and field.kind != CustomField.Kind.YES_NO
        and stored.get(field.code) in (None, "", [])
        and (creating or field.code in new)
    ]
