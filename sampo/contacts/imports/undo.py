"""Undoing an import: what it created goes to the trash (restorable there, and nothing that
has come to point at it since breaks), what it changed gets its earlier value back, unless
someone changed that field again after the import, and its source ids, added memberships and
new unused tags go."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sampo.accounts.access import require_admin
from sampo.accounts.models import User
from sampo.contacts import contact_details
from sampo.contacts.imports import registry
from sampo.contacts.imports.models import ExternalId, ImportBatch, ImportKind, ImportRow
from sampo.contacts.models import Membership, Organization, Person, Tag
from sampo.contacts.services import normalize_organization_values, normalize_person_values
from sampo.core import custom_fields
from sampo.core.audit import audit_record
from sampo.core.custom_fields import CUSTOM_PREFIX
from sampo.core.models import HistoryEntry

CHUNK = 1000
Outcome = ImportRow.Outcome


@dataclass
class UndoResult:
    trashed: int = 0
    restored: int = 0
    kept_fields: int = 0  # changed again since the import: left as they are


def undo_deadline(batch: ImportBatch) -> datetime.datetime | None:
    if batch.finished_at is None:
        return None
    return batch.finished_at + datetime.timedelta(hours=settings.IMPORT_UNDO_HOURS)


def can_undo(user: User, batch: ImportBatch) -> bool:
    deadline = undo_deadline(batch)
    return bool(
        user.is_admin
        and batch.status in {ImportBatch.Status.DONE, ImportBatch.Status.FAILED}
        and deadline is not None
        and timezone.now() < deadline
    )


def import_undo(*, actor: User, batch: ImportBatch) -> UndoResult:
    require_admin(actor)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if not can_undo(actor, batch):
            raise ValidationError(
                _("This import can no longer be undone: it is undone already or too old.")
            )
        import_type = registry.get(batch.kind)
        if import_type is not None:
            counts = import_type.undo(batch, actor)
            result = UndoResult(counts.trashed, counts.restored, counts.kept_fields)
        else:
            result = _undo_register_records(batch, actor)
        ExternalId.objects.filter(batch=batch).delete()
        _drop_unused_tags(batch.created_tags)
        batch.status = ImportBatch.Status.UNDONE
        batch.undone_at = timezone.now()
        batch.undone_by = actor
        batch.save(update_fields=["status", "undone_at", "undone_by"])
        audit_record(
            "import_undone", actor=actor, target=batch, details={"kind": batch.kind, **vars(result)}
        )
    if batch.file:
        batch.file.delete(save=True)
    return result


def _undo_register_records(batch: ImportBatch, actor: User) -> UndoResult:
    model: Any = Organization if batch.kind == ImportKind.ORGANIZATIONS else Person
    result = UndoResult()
    created = [
        pk
        for pk in batch.rows.filter(outcome=Outcome.CREATED).values_list("record_id", flat=True)
        if pk is not None
    ]
    result.trashed = trash_records(model, created, actor)
    result.trashed += trash_records(Organization, list(batch.created_organizations), actor)
    Membership.objects.filter(
        pk__in=batch.rows.filter(membership_id__isnull=False).values("membership_id")
    ).delete()
    updated = batch.rows.filter(outcome=Outcome.UPDATED).exclude(changes={})
    for row in updated.order_by("-row_number").iterator(chunk_size=CHUNK):
        _restore(model, row, actor, result)
    return result


def trash_records(model: Any, pks: list[int], actor: User) -> int:
    """Moved to the trash in bulk, each with its "moved to trash" history entry."""
    content_type = ContentType.objects.get_for_model(model)
    now = timezone.now()
    trashed = 0
    for start in range(0, len(pks), CHUNK):
        live = model.objects.filter(pk__in=pks[start : start + CHUNK])
        label_fields = _label_fields(model)
        records = list(live.only("pk", *label_fields) if label_fields else live)
        live.update(deleted_at=now, deleted_by=actor, version=F("version") + 1, updated_at=now)
        HistoryEntry.objects.bulk_create(
            HistoryEntry(
                content_type=content_type,
                object_id=str(record.pk),
                record_label=str(record)[:300],
                action=HistoryEntry.Action.DELETED,
                actor=actor,
            )
            for record in records
        )
        trashed += len(records)
    return trashed


def _label_fields(model: Any) -> tuple[str, ...]:
    if model is Organization:
        return ("name",)
    if model is Person:
        return ("first_name", "last_name", "country", "preferred_language")
    return ()  # another app's record: its whole row, whatever its label needs


def _restore(model: Any, row: ImportRow, actor: User, result: UndoResult) -> None:
    record = model.all_objects.select_for_update().filter(pk=row.record_id).first()
    if record is None:
        return
    history = []
    plain: dict[str, Any] = {}
    custom = dict(getattr(record, "custom", None) or {})
    for name, (old, imported) in row.changes.items():
        if name == "contact_details":
            history += _remove_added_details(record, old, imported)
            continue
        if name.startswith(CUSTOM_PREFIX):
            code = name.removeprefix(CUSTOM_PREFIX)
            if custom.get(code) != imported:
                result.kept_fields += 1
                continue
            custom = custom_fields.merged(custom, {code: old}) or {}
            plain["custom"] = custom or None
            history.append(_change(name, imported, old))
            continue
        field_ = _field(model, name)
        if field_.many_to_many:
            current = set(getattr(record, field_.name).values_list("pk", flat=True))
            added = set(imported) - set(old)
            if added & current:
                getattr(record, field_.name).remove(*(added & current))
                after = sorted(current - added)
                history.append(_m2m_change(field_, sorted(current), after))
            continue
        if getattr(record, field_.attname) != imported:
            result.kept_fields += 1
            continue
        plain[field_.name] = old
        history.append(_change(field_.name, imported, old))
    if plain:
        if "custom" in plain:
            record.custom = plain.pop("custom")
        for name, value in _normalized(model, record, plain).items():
            setattr(record, model._meta.get_field(name).attname, value)
        record.version += 1
        record.updated_by = actor
        record.save()
    if history:
        HistoryEntry.objects.create(
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(record.pk),
            record_label=str(record)[:300],
            action=HistoryEntry.Action.EVENT,
            event="import_undone",
            changes=history,
            actor=actor,
        )
        result.restored += 1


def _remove_added_details(record: Any, old: list[Any], imported: list[Any]) -> list[Any]:
    """The further emails and phones the import added, if the record still has them."""
    added = [pair for pair in imported if pair not in old]
    rows = contact_details.of(record)
    before = sorted(str(d) for d in rows)
    for kind, value in added:
        rows.filter(kind=kind, value=value).delete()
    after = sorted(str(d) for d in contact_details.of(record))
    if before == after:
        return []
    change = _change("contact_details", before, after)
    change.update(old_label=", ".join(before), new_label=", ".join(after))
    return [change]


def _field(model: Any, attname: str) -> Any:
    return next(f for f in model._meta.get_fields() if getattr(f, "attname", f.name) == attname)


def _normalized(model: Any, record: Any, plain: dict[str, Any]) -> dict[str, Any]:
    """The earlier values with what the register derives from them (folded names, the
    business ID's kind and key), by the services' own rules."""
    values = dict(plain)
    foreign = {f.name: f for f in model._meta.fields if f.is_relation}
    # Relations were stored by id: their attname is set directly, not normalized.
    ids = {name: values.pop(name) for name in list(values) if name in foreign}
    if model is Organization:
        normalized = normalize_organization_values({"country": record.country, **values})
    else:
        values.setdefault("first_name", record.first_name)
        values.setdefault("last_name", record.last_name)
        normalized = normalize_person_values({"country": record.country, **values})
    return {**normalized, **{foreign[name].name: value for name, value in ids.items()}}


def _change(name: str, old: Any, new: Any) -> dict[str, Any]:
    old_label, new_label = ("" if v is None else str(v) for v in (old, new))
    return {"field": name, "old": old, "new": new, "old_label": old_label, "new_label": new_label}


def _m2m_change(field_: Any, old: list[int], new: list[int]) -> dict[str, Any]:
    names = {item.pk: str(item) for item in field_.related_model.objects.filter(pk__in=old)}
    return {
        "field": field_.name,
        "old": old,
        "new": new,
        "old_label": ", ".join(names[pk] for pk in old if pk in names),
        "new_label": ", ".join(names[pk] for pk in new if pk in names),
    }


def _drop_unused_tags(pks: list[int]) -> None:
    """The import's new tags that no record holds (any app's records, trashed ones too)."""
    if not pks:
        return
    used: set[int] = set()
    for through in _tag_links():
        column = next(f.attname for f in through._meta.fields if f.related_model is Tag)
        used |= set(through.objects.filter(**{f"{column}__in": pks}).values_list(column, flat=True))
    Tag.objects.filter(pk__in=set(pks) - used).delete()


def _tag_links() -> list[Any]:
    """The link tables of every many-to-many field to Tag, in whichever app it is."""
    return [
        field_.remote_field.through
        for model in apps.get_models()
        for field_ in model._meta.many_to_many
        if field_.related_model is Tag
    ]
