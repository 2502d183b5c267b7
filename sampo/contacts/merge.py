"""Merging duplicates: one record survives, everything that pointed at the others moves to
it, and the merge can be undone exactly.

The links are found generically: every foreign key column in the project that points at the
record's model (an auto-created many-to-many table included), so an activity, an opportunity or
a ticket added by a higher floor moves too, without this module knowing them. A link row that
would repeat one the survivor already has (the same tag twice) is dropped and kept in the
merge's record, so that undo puts it back.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sampo.accounts.models import User
from sampo.contacts import access, contact_details
from sampo.contacts.models import Merge, Organization, Person
from sampo.core import history, records
from sampo.core.audit import audit_record
from sampo.lib.text import fold

Record = Organization | Person


AUDIT_FIELDS = {
    "id", "version", "created_at", "updated_at", "created_by", "updated_by", "deleted_at",
    "deleted_by",
}  # fmt: skip
# Values kept in step with another field: they come from the same record as it.
COMPANIONS = {"business_id": ("business_id_kind", "business_id_key")}


def _state_fields(model: type[Record]) -> list[Any]:
    """The record's own values, derived ones included: what undo puts back."""
    return [f for f in model._meta.concrete_fields if f.name not in AUDIT_FIELDS]


def mergeable_fields(model: type[Record]) -> list[Any]:
    """What a user chooses between on the merge page."""
    return [f for f in _state_fields(model) if f.editable and f.name not in {"business_id_kind"}]


def _links_to(model: type[models.Model]) -> list[tuple[type[models.Model], models.ForeignKey]]:
    return [
        (other, field)
        for other in apps.get_models(include_auto_created=True)
        for field in other._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model is model
    ]


@transaction.atomic
def record_merge(
    *,
    actor: User,
    survivor: Record,
    others: list[Record],
    take: dict[str, int] | None = None,
) -> Merge:
    """Merge `others` into `survivor`. `take` says, by field name, which record's value the
    user picked (its pk); a field not picked keeps the survivor's value, or the first other
    value when the survivor has none."""
    model = type(survivor)
    others = [o for o in others if o.pk != survivor.pk]
    if not others:
        raise ValidationError(_("Choose at least two records to merge."))
    if any(type(o) is not model for o in others):
        raise ValidationError(_("Only records of the same kind can be merged."))
    for record in [survivor, *others]:
        if not access.can_edit(actor, record):
            raise PermissionDenied
    locked = {r.pk: r for r in model._base_manager.select_for_update().filter(
        pk__in=[survivor.pk, *(o.pk for o in others)], deleted_at__isnull=True
    )}  # fmt: skip
    if len(locked) != len(others) + 1:
        raise ValidationError(_("One of the records was deleted meanwhile. Nothing was merged."))
    survivor = locked[survivor.pk]
    others = [locked[o.pk] for o in others]
    merge = Merge(
        record_type=ContentType.objects.get_for_model(model),
        survivor_id=survivor.pk,
        merged_ids=[o.pk for o in others],
        merged_labels=[str(o) for o in others],
        survivor_before=_values_of(survivor),
        merged_by=actor,
    )
    before = history.snapshot(survivor)
    _take_values(survivor, others, take or {})
    for other in others:
        _move_links(model, other, survivor, merge)
        _move_history(model, other, survivor, merge)
    _keep_other_values(survivor, others, merge)
    survivor.version += 1
    survivor.save()
    merge.save()
    changes = history.diff(before, history.snapshot(survivor))
    history.record_event(survivor, actor=actor, event="merged", changes=changes)
    for other in others:
        records.record_trash(other, actor=actor)
    audit_record(
        "merge",
        actor=actor,
        target=survivor,
        details={"merged_ids": merge.merged_ids, "merged": merge.merged_labels},
    )
    return merge


def _values_of(record: Record) -> dict[str, Any]:
    return {
        field.attname: None if getattr(record, field.attname) is None
        else field.value_to_string(record)
        for field in _state_fields(type(record))
    }  # fmt: skip


def _take_values(survivor: Record, others: list[Record], take: dict[str, int]) -> None:
    by_pk = {other.pk: other for other in others}
    for field in mergeable_fields(type(survivor)):
        source = by_pk.get(take.get(field.name, survivor.pk))
        if source is None and getattr(survivor, field.attname) in (None, ""):
            source = next((o for o in others if getattr(o, field.attname) not in (None, "")), None)
        if source is None:
            continue
        for name in (field.attname, *COMPANIONS.get(field.name, ())):
            setattr(survivor, name, getattr(source, name))
    _merge_custom(survivor, others)
    if isinstance(survivor, Organization):
        survivor.name_folded = fold(survivor.name)
    else:
        survivor.name_folded = fold(f"{survivor.first_name} {survivor.last_name}")


def _keep_other_values(survivor: Record, others: list[Record], merge: Merge) -> None:
    """The others' primary emails and phones that the survivor does not keep as its own become
    its further ones (their further ones moved with the links), so that no address is lost;
    undo removes them again."""
    model = type(survivor)
    columns = contact_details.primary_columns(model)
    have = {(kind, getattr(survivor, column)) for column, kind in columns.items()}
    have |= set(contact_details.of(survivor).values_list("kind", "value"))
    added = []
    for other in others:
        for column, kind in columns.items():
            value = getattr(other, column)
            if value and (kind, value) not in have:
                have.add((kind, value))
                detail = contact_details.Detail(kind, value, contact_details.COLUMN_LABELS[column])
                added.append(detail)
    rows = contact_details.detail_model(model)
    position = contact_details.of(survivor).count()
    for index, detail in enumerate(added):
        row = rows.objects.create(
            **{contact_details.owner_field(model): survivor},
            kind=detail.kind,
            label=detail.label,
            value=detail.value,
            position=position + index,
        )
        merge.added_rows.append({"model": rows._meta.label, "pk": row.pk})


def _merge_custom(survivor: Record, others: list[Record]) -> None:
    """Custom field values: the survivor's own, the others' where it has none; choices of a
    several-choice field are joined. Undo puts the survivor's values back from
    `survivor_before`, like its other fields."""
    merged = dict(survivor.custom or {})
    for other in others:
        for code, value in (other.custom or {}).items():
            if code not in merged:
                merged[code] = value
            elif isinstance(value, list) and isinstance(merged[code], list):
                merged[code] = merged[code] + [key for key in value if key not in merged[code]]
    survivor.custom = merged or None


def _move_links(model: type[Record], other: Record, survivor: Record, merge: Merge) -> None:
    for link_model, field in _links_to(model):
        rows = link_model._base_manager.filter(**{field.attname: other.pk})
        if link_model is model:
            rows = rows.exclude(pk=survivor.pk)  # the survivor pointing at a merged record
        for pk in list(rows.values_list("pk", flat=True)):
            _move_row(link_model, field, pk, other.pk, survivor.pk, merge)
    if isinstance(survivor, Organization) and survivor.parent_id == other.pk:
        survivor.parent_id = None  # it cannot be its own parent; undo restores the value


def _move_row(
    link_model: type[models.Model],
    field: models.ForeignKey,
    pk: Any,
    old: Any,
    new: Any,
    merge: Merge,
) -> None:
    try:
        with transaction.atomic():
            link_model._base_manager.filter(pk=pk).update(**{field.attname: new})
    except IntegrityError:
        # The survivor has this link already (the same tag, the same person on an activity).
        _drop_row(link_model, pk, merge)
    else:
        merge.moved_links.append(_link_entry(link_model, field, pk, old))


def _drop_row(link_model: type[models.Model], pk: Any, merge: Merge) -> None:
    """Delete a row that would repeat one the survivor has, keeping it for undo."""
    row = link_model._base_manager.get(pk=pk)
    fields = {f.attname: f.value_to_string(row) for f in link_model._meta.concrete_fields}
    merge.dropped_rows.append({"model": link_model._meta.label, "fields": fields})
    row.delete()


def _link_entry(link_model: type[models.Model], field: Any, pk: Any, old: Any) -> dict[str, Any]:
    return {"model": link_model._meta.label, "pk": pk, "field": field.attname, "from": old}


def _generic_references() -> list[tuple[type[models.Model], bool]]:
    """Rows that point at a record by `content_type` and `object_id` rather than a foreign key
    (history entries, source ids, follows, ...), found from the models like the links; for
    each, whether the id is kept as text."""
    found = []
    for reference in apps.get_models():
        fields = {f.name: f for f in reference._meta.concrete_fields}
        content_type, object_id = fields.get("content_type"), fields.get("object_id")
        if (
            isinstance(content_type, models.ForeignKey)
            and content_type.related_model is ContentType
            and object_id is not None
        ):
            found.append((reference, isinstance(object_id, models.CharField | models.TextField)))
    return found


def _move_history(model: type[Record], other: Record, survivor: Record, merge: Merge) -> None:
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    for reference, as_text in _generic_references():
        old = str(other.pk) if as_text else other.pk
        new = str(survivor.pk) if as_text else survivor.pk
        rows = reference._base_manager.filter(content_type=content_type, object_id=old)
        moved = []
        for pk in list(rows.values_list("pk", flat=True)):
            try:
                with transaction.atomic():
                    reference._base_manager.filter(pk=pk).update(object_id=new)
            except IntegrityError:  # the survivor has it already (a user following both)
                _drop_row(reference, pk, merge)
            else:
                moved.append(pk)
        merge.moved_history.append({"model": reference._meta.label, "from": old, "entries": moved})


@transaction.atomic
def merge_undo(*, actor: User, merge: Merge) -> Record:
    """Put every merged record back as it was; what was added to the survivor since stays."""
    model: Any = merge.record_type.model_class()
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ValidationError(_("This merge was undone already."))
    survivor = model._base_manager.select_for_update().get(pk=merge.survivor_id)
    merged = list(model._base_manager.select_for_update().filter(pk__in=merge.merged_ids))
    if len(merged) != len(merge.merged_ids):
        raise ValidationError(
            _("A merged record was purged from the trash, so this merge can no longer be undone.")
        )
    for record in [survivor, *merged]:
        if not access.can_edit(actor, record):
            raise PermissionDenied
    for record in merged:
        records.record_restore(record, actor=actor)
    for added in merge.added_rows:
        apps.get_model(added["model"])._base_manager.filter(pk=added["pk"]).delete()
    for moved in reversed(merge.moved_links):
        link_model = apps.get_model(moved["model"])
        link_model._base_manager.filter(pk=moved["pk"]).update(**{moved["field"]: moved["from"]})
    for dropped in merge.dropped_rows:
        link_model = apps.get_model(dropped["model"])
        row = link_model()
        for field in link_model._meta.concrete_fields:
            setattr(row, field.attname, field.to_python(dropped["fields"][field.attname]))
        row.save(force_insert=True)
    for moved in merge.moved_history:
        reference = apps.get_model(moved["model"])
        reference._base_manager.filter(pk__in=moved["entries"]).update(object_id=moved["from"])
    survivor = model._base_manager.get(pk=survivor.pk)  # the links above may have changed it
    before = history.snapshot(survivor)
    for field in _state_fields(model):
        raw = merge.survivor_before.get(field.attname)
        setattr(survivor, field.attname, None if raw is None else field.to_python(raw))
    survivor.version += 1
    survivor.save()
    changes = history.diff(before, history.snapshot(survivor))
    history.record_event(survivor, actor=actor, event="merge_undone", changes=changes)
    merge.undone_at, merge.undone_by = timezone.now(), actor
    merge.save(update_fields=["undone_at", "undone_by"])
    audit_record("merge_undone", actor=actor, target=survivor, details={"merge": merge.pk})
    return survivor


def moved_summary(merge: Merge) -> list[tuple[str, int]]:
    """How many links of each kind moved to the survivor (a many-to-many row is named after
    the field it serves: "tags", "people")."""
    counts: dict[str, int] = {}
    for moved in merge.moved_links:
        link_model = apps.get_model(moved["model"])
        counts[_kind_label(link_model)] = counts.get(_kind_label(link_model), 0) + 1
    return sorted(counts.items())


def _kind_label(link_model: type[models.Model]) -> str:
    owner: Any = link_model._meta.auto_created
    if owner:
        field = next(f for f in owner._meta.many_to_many if f.remote_field.through is link_model)
        return str(field.verbose_name)
    return str(link_model._meta.verbose_name_plural)
