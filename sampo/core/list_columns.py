"""Which columns a list shows, in what order: chosen by each user, kept per user and carried
in the list's URL (`columns=name,city,cf_tier`), so that a link or a saved view shows the same
table. A list names its columns (built-in ones and the custom fields of its record type); the
first built-in one (the record's name, its link) is always shown first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from sampo.core.models import CustomField, ListColumns

MAX_COLUMNS = 30


@dataclass(frozen=True)
class ListColumn:
    key: str
    label: Any  # a lazy translation, or a custom field's label
    custom: CustomField | None = None


def parse(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()][:MAX_COLUMNS]


def _known(keys: list[str], available: list[ListColumn]) -> list[str]:
    """`keys` that name an available column, each once, the first column always first."""
    names = {column.key for column in available}
    first = available[0].key
    kept = [key for key in dict.fromkeys(keys) if key in names and key != first]
    return [first, *kept]


def chosen(
    *,
    user: Any,
    list_key: str,
    available: list[ListColumn],
    default: list[str],
    requested: str | None,
) -> list[ListColumn]:
    """The URL's columns when it names them; else the user's own; else the list's default.
    One query at most, whatever the rows."""
    if requested:
        keys = parse(requested)
    else:
        saved = ListColumns.objects.filter(user=user, list_key=list_key).first()
        keys = list(saved.columns) if saved is not None else default
    by_key = {column.key: column for column in available}
    return [by_key[key] for key in _known(keys, available)]


def list_columns_save(
    *, user: Any, list_key: str, keys: list[str], available: list[ListColumn]
) -> list[str]:
    """Keep the user's choice for the list; unknown keys are dropped."""
    known = _known(keys, available)
    with transaction.atomic():
        ListColumns.objects.update_or_create(
            user=user, list_key=list_key, defaults={"columns": known}
        )
    return known


def list_columns_reset(*, user: Any, list_key: str) -> None:
    ListColumns.objects.filter(user=user, list_key=list_key).delete()
