"""Custom fields: extra fields an admin defines per record type.

A domain opts a model in by giving it a `custom` JSON column (null until a value is set) and
registering it here from its `registrations.py`:

    custom_fields.register(key="organization", model=Organization, label=_("Organizations"))

Definitions are `core.models.CustomField` rows; values live on the record, in `custom`, keyed
by the field's code (see `values.py` for each kind's JSON shape, `filters.py` for the list
filters, `forms.py` for the typed form fields).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from sampo.core.models import CustomField


@dataclass(frozen=True)
class RecordType:
    key: str
    model: type[models.Model]
    label: Any  # a lazy translation


_registry: dict[str, RecordType] = {}
# A custom field's change in a record's history is named "custom.<code>".
CUSTOM_PREFIX = "custom."


def register(*, key: str, model: type[models.Model], label: Any) -> None:
    _registry[key] = RecordType(key, model, label)


def record_types() -> list[RecordType]:
    return list(_registry.values())


def record_type(key: str) -> RecordType | None:
    return _registry.get(key)


def record_type_of(model: type[models.Model]) -> str | None:
    return next((t.key for t in _registry.values() if t.model is model), None)


def definitions(key: str, *, archived: bool = False) -> list[CustomField]:
    """The record type's fields in their order: the active ones, or every one."""
    rows = CustomField.objects.filter(record_type=key)
    if not archived:
        rows = rows.filter(is_archived=False)
    return list(rows.order_by("position", "id"))


def values_of(record: models.Model) -> dict[str, Any]:
    return dict(getattr(record, "custom", None) or {})


def merged(current: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any] | None:
    """`current` with `new` applied: a None or empty value removes the key. Keys not in `new`
    (archived fields among them) stay as they are."""
    result = dict(current or {})
    for code, value in new.items():
        if value in (None, "", []):
            result.pop(code, None)
        else:
            result[code] = value
    return result or None


def by_code(fields: Iterable[CustomField]) -> dict[str, CustomField]:
    return {field.code: field for field in fields}
