"""Bulk upsert: up to MAX_ITEMS records per request, each matched to an existing record (by
its id in the caller's system, or by the duplicate guard's keys), then created, updated or
left as it is. Each item runs in its own savepoint, so one bad item fails alone with its
errors; an item whose values are already the record's changes nothing, which makes sending
the same batch twice harmless."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Schema

from sampo.lib.rest.problems import field_errors

MAX_ITEMS = 1000

Item = TypeVar("Item")


class BulkItemResult(Schema):
    """An item's result as the API answers it (the schema of `ItemResult`)."""

    index: int
    status: Literal["created", "updated", "unchanged", "error"]
    id: int | None
    external_id: str | None
    errors: list[dict[str, str]]


class BulkResult(Schema):
    results: list[BulkItemResult]


@dataclass
class ItemResult:
    index: int
    status: str  # created, updated, unchanged, error
    id: int | None = None
    external_id: str | None = None
    errors: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Upsert(Generic[Item]):
    """How one record type is upserted. `find` returns the existing record or None; `create`
    and `update` call the app's services and return the record; `changes` gives the values of
    the item that differ from the record (empty: nothing to do)."""

    find: Callable[[Item], Any]
    create: Callable[[Item], Any]
    changes: Callable[[Any, Item], dict[str, Any]]
    update: Callable[[Any, Item, dict[str, Any]], Any]
    remember: Callable[[Any, Item], None]
    external_id: Callable[[Item], str | None]


def _errors_of(error: Exception) -> list[dict[str, str]]:
    if isinstance(error, ValidationError):
        messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        return field_errors(messages)
    if isinstance(error, PermissionDenied):
        return [{"field": "", "message": _("Your role does not allow this.")}]
    return [{"field": "", "message": _("Not found.")}]


def upsert_items(items: Sequence[Item], how: Upsert[Item]) -> list[ItemResult]:
    results = []
    for index, item in enumerate(items):
        result = ItemResult(index=index, status="unchanged", external_id=how.external_id(item))
        try:
            with transaction.atomic():
                record = how.find(item)
                if record is None:
                    record = how.create(item)
                    result.status = "created"
                elif changes := how.changes(record, item):
                    record = how.update(record, item, changes)
                    result.status = "updated"
                how.remember(record, item)
                result.id = record.pk
        except (ValidationError, PermissionDenied, Http404, ObjectDoesNotExist) as error:
            result.status, result.errors = "error", _errors_of(error)
        results.append(result)
    return results
