"""Field-by-field history of records.

A service takes a `snapshot` before it changes a record and calls `record_changed` after; the
difference becomes one HistoryEntry. Values are stored as JSON with a readable label beside
each, so the page that shows the history needs no joins and survives renamed or purged rows.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from sampo.core import custom_fields, record_events
from sampo.core.custom_fields.values import display as custom_display
from sampo.core.models import HistoryEntry
from sampo.lib.bulk_insert import bulk_insert

# Bookkeeping that changes on every write and tells a reader nothing; secrets never.
ALWAYS_EXCLUDED = frozenset(
    {
        "id",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
        "version",
        "deleted_at",
        "deleted_by",
        "password",
        "last_login",
    }
)

Snapshot = dict[str, dict[str, Any]]


def tracked_fields(model: type[models.Model]) -> list[Any]:
    """Concrete and many-to-many fields, plus reverse many-to-many relations the model names
    in `history_related` (a user's teams are edited on the user)."""
    excluded = ALWAYS_EXCLUDED | set(getattr(model, "history_exclude", ()))
    # Fields nobody edits (folded names, match keys) are derived and would only add noise.
    fields: list[Any] = [
        f for f in model._meta.concrete_fields if f.name not in excluded and f.editable
    ]
    fields += [f for f in model._meta.many_to_many if f.name not in excluded]
    related = set(getattr(model, "history_related", ()))
    fields += [r for r in model._meta.related_objects if r.many_to_many and r.name in related]
    return fields


def accessor(field: Any) -> str:
    if isinstance(field, models.ForeignObjectRel):
        return str(field.get_accessor_name())
    return str(field.name)


def json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def _field_state(instance: models.Model, field: Any) -> dict[str, Any]:
    if field.many_to_many:
        related = sorted(getattr(instance, accessor(field)).all(), key=lambda r: r.pk)
        return {"value": [r.pk for r in related], "label": ", ".join(str(r) for r in related)}
    if field.is_relation:
        related = getattr(instance, field.name)
        return {"value": json_value(getattr(instance, field.attname)), "label": str(related or "")}
    value = getattr(instance, field.attname)
    label = instance._get_FIELD_display(field) if field.choices else value  # type: ignore[attr-defined]
    return {"value": json_value(value), "label": "" if label is None else str(label)}


def _known_state(items: list[Any]) -> dict[str, Any]:
    related = sorted(items, key=lambda r: r.pk)
    return {"value": [r.pk for r in related], "label": ", ".join(str(r) for r in related)}


def snapshot(instance: models.Model, *, m2m: dict[str, list[Any]] | None = None) -> Snapshot:
    """The tracked state of a saved record, taken before a change. `m2m` gives many-to-many
    values already known (a bulk path's new records), instead of reading them."""
    if instance.pk is None:
        return {}
    model = instance._meta.model
    state = {
        f.name: _known_state(m2m[f.name])
        if m2m is not None and f.many_to_many and f.name in m2m
        else _field_state(instance, f)
        for f in tracked_fields(model)
    }
    # Rows that belong to the record (a person's further emails), named by the model in
    # `history_children`: their text is the value, so a changed row shows as a change.
    for name in getattr(model, "history_children", ()):
        items = sorted(str(child) for child in getattr(instance, name).all())
        state[name] = {"value": items, "label": ", ".join(items)}
    return {**state, **custom_state(instance)}


def custom_state(instance: models.Model) -> Snapshot:
    """Each custom field of the record, archived ones too, as its own tracked value."""
    key = custom_fields.record_type_of(instance._meta.model)
    stored = custom_fields.values_of(instance)
    if key is None or not stored:
        return {}  # nothing to name; `diff` sees a field missing on one side as empty
    return {
        f"{custom_fields.CUSTOM_PREFIX}{field.code}": {
            "value": stored.get(field.code),
            "label": custom_display(field, stored.get(field.code)),
        }
        for field in custom_fields.definitions(key, archived=True)
    }


def diff(before: Snapshot, after: Snapshot) -> list[dict[str, Any]]:
    changes = []
    empty = {"value": None, "label": ""}
    names = list(after) + [name for name in before if name not in after]
    for name in names:
        old, new = before.get(name, empty), after.get(name, empty)
        if old["value"] != new["value"]:
            changes.append(
                {
                    "field": name,
                    "old": old["value"],
                    "new": new["value"],
                    "old_label": old["label"],
                    "new_label": new["label"],
                }
            )
    return changes


def unsaved_entry(
    instance: models.Model,
    *,
    actor: Any,
    action: str,
    changes: list[dict[str, Any]] | None = None,
    event: str = "",
) -> HistoryEntry:
    """An entry not yet written, for bulk paths that write many with one `bulk_create`."""
    return HistoryEntry(
        content_type=ContentType.objects.get_for_model(
            instance._meta.model, for_concrete_model=False
        ),
        object_id=str(instance.pk),
        record_label=str(instance)[:300],
        action=action,
        event=event,
        changes=changes or [],
        actor=actor if getattr(actor, "pk", None) else None,
    )


def write_entries(pairs: list[tuple[models.Model, HistoryEntry]]) -> None:
    """Entries of a bulk path (record, unsaved entry): one insert, and each told to the
    record-event listeners as `_entry` does, in the caller's transaction."""
    bulk_insert([entry for _instance, entry in pairs])
    for instance, entry in pairs:
        record_events.publish(instance, entry)


def _entry(
    instance: models.Model,
    *,
    actor: Any,
    action: str,
    changes: list[dict[str, Any]] | None = None,
    event: str = "",
) -> HistoryEntry:
    entry = unsaved_entry(instance, actor=actor, action=action, changes=changes, event=event)
    entry.save()
    record_events.publish(instance, entry)  # same transaction: an outbox row commits with it
    return entry


def created_changes(
    instance: models.Model, *, m2m: dict[str, list[Any]] | None = None
) -> list[dict[str, Any]]:
    """What a new record's "created" entry lists: every field that has a value."""
    state = snapshot(instance, m2m=m2m)
    return [c for c in diff({}, state) if c["new"] not in (None, "", [], False)]


def record_created(instance: models.Model, *, actor: Any) -> HistoryEntry:
    changes = created_changes(instance)
    return _entry(instance, actor=actor, action=HistoryEntry.Action.CREATED, changes=changes)


def record_changed(instance: models.Model, *, actor: Any, before: Snapshot) -> HistoryEntry | None:
    """One entry with every field that differs from `before`; none if nothing changed."""
    changes = diff(before, snapshot(instance))
    if not changes:
        return None
    return _entry(instance, actor=actor, action=HistoryEntry.Action.CHANGED, changes=changes)


def record_deleted(instance: models.Model, *, actor: Any) -> HistoryEntry:
    return _entry(instance, actor=actor, action=HistoryEntry.Action.DELETED)


def record_restored(instance: models.Model, *, actor: Any) -> HistoryEntry:
    return _entry(instance, actor=actor, action=HistoryEntry.Action.RESTORED)


def record_event(
    instance: models.Model,
    *,
    actor: Any,
    event: str,
    changes: list[dict[str, Any]] | None = None,
) -> HistoryEntry:
    """A named event (e.g. "deactivated"; see core.events), with the changes it made, if any,
    in the same shape as `diff` gives."""
    return _entry(
        instance, actor=actor, action=HistoryEntry.Action.EVENT, event=event, changes=changes
    )
