"""Rows written to the register, a chunk at a time.

Each chunk is one transaction that writes its records, their tags, memberships, source ids
and history in bulk, the result of each of its rows, and the batch's progress: after a crash
the batch says exactly which rows are done, and a re-run goes on from there. A chunk that
fails in bulk (a database error no validation foresaw) is written again row by row, so that
only the guilty row fails and says why.
"""

from __future__ import annotations

import copy
import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import DatabaseError, models, transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sampo.accounts.models import User
from sampo.contacts import access, contact_details
from sampo.contacts.imports import fields as import_fields
from sampo.contacts.imports import registry
from sampo.contacts.imports.matching import (
    ChunkMatcher,
    KeyIndex,
    pending_duplicates,
    row_keys,
)
from sampo.contacts.imports.models import ExternalId, ImportBatch, ImportKind, ImportRow
from sampo.contacts.imports.readers import Table, rows_from
from sampo.contacts.models import Membership, Organization, Person, Tag
from sampo.contacts.services import normalize_organization_values, normalize_person_values
from sampo.core import custom_fields
from sampo.core.custom_fields import CUSTOM_PREFIX
from sampo.core.custom_fields.services import REQUIRED_MESSAGE, missing_required
from sampo.core.custom_fields.values import display
from sampo.core.history import tracked_fields, write_entries
from sampo.core.models import CustomField, HistoryEntry
from sampo.lib.bulk_insert import bulk_insert
from sampo.lib.business_ids import parse_business_id
from sampo.lib.text import fold

# The batch size: one transaction, and a few queries, per 2,000 rows.
CHUNK_SIZE = 2000
Outcome = ImportRow.Outcome
LINK_TARGETS = ("organization", "organization_business_id", "organization_source_id", "role")
DERIVED = {"name_folded", "business_id_kind", "business_id_key"}


@dataclass
class Row:
    number: int
    cells: list[str]
    values: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    relationship_types: list[Any] | None = None
    source_id: str = ""
    link: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    keys: dict[str, list[str]] = field(default_factory=dict)
    city: str = ""
    details: list[contact_details.Detail] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)
    # The organizations a people row links to (primary keys), for the duplicate guard.
    organization_pks: set[int] = field(default_factory=set)


def _messages(error: ValidationError, model: Any) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    found = []
    for name, errors in error.error_dict.items():
        try:
            label = capfirst(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a non-field error
            label = ""
        found += [
            f"{label}: {message}" if label else message
            for message in ValidationError(errors).messages
        ]
    return found


def _json(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    return value


# Labels of choice values ({(field, value, language): label}): Django's get_FOO_display builds
# the whole choice dict on each call (250 translated countries), once per field and row.
_CHOICE_LABELS: dict[tuple[Any, Any, str | None], str] = {}


def _choice_label(field_: Any, value: Any) -> str:
    key = (field_, value, get_language())
    if key not in _CHOICE_LABELS:
        _CHOICE_LABELS[key] = str(dict(field_.flatchoices).get(value, value))
    return _CHOICE_LABELS[key]


def _state(instance: models.Model, field_: Any) -> dict[str, Any]:
    """A field's value and readable label, as core.history stores them."""
    value = getattr(instance, field_.attname)
    if field_.is_relation:
        label = str(getattr(instance, field_.name) or "")
    elif field_.choices:
        label = _choice_label(field_, value)
    else:
        label = "" if value is None else str(value)
    return {"value": value, "label": label}


def _m2m_state(items: Iterable[Any]) -> dict[str, Any]:
    ordered = sorted(items, key=lambda item: item.pk)
    return {"value": [i.pk for i in ordered], "label": ", ".join(str(i) for i in ordered)}


def _change(name: str, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    return {
        "field": name,
        "old": old["value"],
        "new": new["value"],
        "old_label": old["label"],
        "new_label": new["label"],
    }


class ImportContext:
    """What one run of an import needs across its chunks: options, lookups, caches."""

    def __init__(self, batch: ImportBatch, actor: User) -> None:
        self.batch = batch
        self.actor = actor
        self.kind = batch.kind
        self.model: Any = Organization if self.kind == ImportKind.ORGANIZATIONS else Person
        self.content_type = ContentType.objects.get_for_model(self.model)
        self.targets = import_fields.targets(self.kind)
        self.mapping: list[str] = list(batch.mapping)
        options = batch.options or {}
        self.match: list[str] = list(options.get("match", []))
        self.update = options.get("on_match", "update") == "update"
        self.source: str = options.get("source") or "import"
        self.lookups = import_fields.Lookups()
        self.tags = {fold(tag.name): tag for tag in Tag.objects.all()}
        self.m2m_names = [f.name for f in self.model._meta.many_to_many]
        self.created_rows: dict[int, int] = {
            pk: number
            for pk, number in batch.rows.filter(outcome=Outcome.CREATED).values_list(
                "record_id", "row_number"
            )
            if pk is not None
        }
        self.editable_owners: dict[int, bool] = {}
        self.organization_ct = ContentType.objects.get_for_model(Organization)
        # Every definition, archived ones too: a record's history names them all.
        self.custom_fields = custom_fields.definitions(
            import_fields.RECORD_TYPES[ImportKind(self.kind)], archived=True
        )

    # State that a rolled-back chunk must not leave behind.
    def checkpoint(self) -> tuple[Any, ...]:
        return (
            dict(self.tags),
            dict(self.created_rows),
            list(self.batch.created_tags),
            list(self.batch.created_organizations),
        )

    def restore(self, saved: tuple[Any, ...]) -> None:
        tags, created, created_tags, created_organizations = copy.copy(saved)
        self.tags, self.created_rows = tags, created
        self.batch.created_tags, self.batch.created_organizations = (
            created_tags,
            created_organizations,
        )

    def can_edit(self, record: Any) -> bool:
        if record.owner_id not in self.editable_owners:
            self.editable_owners[record.owner_id] = access.can_edit(self.actor, record)
        return self.editable_owners[record.owner_id]

    def tag_objects(self, names: list[str]) -> list[Tag]:
        found = []
        for name in names:
            key = fold(name)
            if key not in self.tags:
                self.tags[key] = Tag.objects.create(name=name[:60])
                self.batch.created_tags.append(self.tags[key].pk)
            found.append(self.tags[key])
        return found


# --- Parsing ------------------------------------------------------------------------------------


def parse_row(ctx: ImportContext, number: int, cells: list[str]) -> Row:
    row = Row(number, list(cells))
    if any(cell.strip() for cell in cells[len(ctx.mapping) :]):
        row.errors.append(_("This row has more cells than the header row has columns."))
    raw: dict[str, Any] = {}
    for index, key in enumerate(ctx.mapping):
        text = import_fields.clean_text(cells[index]) if key and index < len(cells) else ""
        if not text:
            continue
        target = ctx.targets[key]
        try:
            value = import_fields.convert(target, text, ctx.lookups)
            if key in import_fields.FURTHER:  # several columns may add to it
                value = [{**item, "kind": import_fields.FURTHER[key]} for item in value]
                raw[key] = [*raw.get(key, []), *value]
            else:
                raw[key] = value
        except ValidationError as error:
            row.errors += [f"{capfirst(str(target.label))}: {m}" for m in error.messages]
    row.custom = {
        ctx.targets[key].custom.code: raw.pop(key)  # type: ignore[union-attr]
        for key in list(raw)
        if ctx.targets[key].custom is not None
    }
    row.source_id = str(raw.pop("source_id", ""))[:200]
    row.link = {key: raw.pop(key) for key in LINK_TARGETS if key in raw}
    full_name = raw.pop("full_name", "")
    if full_name and not (raw.get("first_name") or raw.get("last_name")):
        raw["first_name"], raw["last_name"] = import_fields.split_full_name(full_name)
    row.tags = raw.pop("tags", [])
    row.relationship_types = raw.pop("relationship_types", None)
    further = [item for key in import_fields.FURTHER for item in raw.pop(key, [])]
    if not raw and not further and not row.custom and not row.errors:
        row.errors.append(_("The row has nothing in the columns chosen for import."))
    normalize = (
        normalize_organization_values
        if ctx.kind == ImportKind.ORGANIZATIONS
        else normalize_person_values
    )
    try:
        row.values = normalize(raw)
    except ValidationError as error:
        row.errors += _messages(error, ctx.model)
    try:
        region = row.values.get("country") or raw.get("country") or "FI"
        row.details = contact_details.normalize(further, model=ctx.model, region=region)
    except ValidationError as error:
        row.errors += [m for errors in error.message_dict.values() for m in errors]
    row.keys = row_keys(ctx.kind, row.values, row.source_id, row.details)
    row.city = fold(row.values.get("city", ""))
    return row


# --- Writing a chunk ----------------------------------------------------------------------------


@dataclass
class ChunkWork:
    creates: list[tuple[Row, Any]] = field(default_factory=list)
    updates: list[tuple[Row, Any, dict[str, Any], list[dict[str, Any]]]] = field(
        default_factory=list
    )
    results: dict[int, ImportRow] = field(default_factory=dict)
    pending: KeyIndex = field(default_factory=KeyIndex)
    m2m: dict[int, dict[str, list[Any]]] = field(default_factory=dict)
    links: dict[int, list[Organization]] = field(default_factory=dict)
    external_ids: list[ExternalId] = field(default_factory=list)
    through_rows: dict[Any, list[Any]] = field(default_factory=dict)


def _result(
    ctx: ImportContext, row: Row, outcome: str, message: str = "", **extra: Any
) -> ImportRow:
    keep_cells = outcome not in {Outcome.CREATED, Outcome.UPDATED, Outcome.UNCHANGED}
    # Keys, not instances: a related descriptor's __set__ per row and field is measurable here.
    return ImportRow(
        batch_id=ctx.batch.pk,
        row_number=row.number,
        outcome=outcome,
        cells=row.cells if keep_cells else [],
        message=message,
        **extra,
    )


def _describe(record: Any) -> str:
    return _("“%(record)s”, owned by %(owner)s") % {"record": record, "owner": record.owner}


def write_chunk(ctx: ImportContext, chunk: list[tuple[int, list[str]]]) -> list[ImportRow]:
    """The chunk written in bulk, or row by row when the bulk write hits a database error."""
    saved = ctx.checkpoint()
    try:
        with transaction.atomic():
            return _write(ctx, chunk)
    except DatabaseError:
        ctx.restore(saved)
    results = []
    for number, cells in chunk:
        saved = ctx.checkpoint()
        try:
            with transaction.atomic():
                results += _write(ctx, [(number, cells)])
        except DatabaseError as error:
            ctx.restore(saved)
            results.append(_result(ctx, Row(number, list(cells)), Outcome.FAILED, str(error)))
    return results


def _write(ctx: ImportContext, chunk: list[tuple[int, list[str]]]) -> list[ImportRow]:
    rows = [parse_row(ctx, number, cells) for number, cells in chunk]
    work = ChunkWork()
    organizations = _OrganizationLinks(ctx, rows) if ctx.kind == ImportKind.PEOPLE else None
    for row in rows:
        if row.errors:
            work.results[row.number] = _result(ctx, row, Outcome.FAILED, " ".join(row.errors))
        elif organizations is not None:
            try:
                work.links[row.number] = organizations.resolve(row)
                row.organization_pks = {o.pk for o in work.links[row.number]}
            except ValidationError as error:
                work.results[row.number] = _result(ctx, row, Outcome.FAILED, error.messages[0])
    # The organizations are known first, so that people's namesakes are looked for there only.
    rows_left = [row for row in rows if row.number not in work.results]
    matcher = ChunkMatcher(ctx.kind, ctx.source, rows_left, match=ctx.match)
    for row in rows_left:
        _decide(ctx, row, matcher, work)
    _create(ctx, work)
    _update(ctx, work)
    _write_m2m(work.through_rows)
    bulk_insert(work.external_ids)
    results = [work.results[row.number] for row in rows]
    bulk_insert(results)
    return results


def _decide(ctx: ImportContext, row: Row, matcher: ChunkMatcher, work: ChunkWork) -> None:
    for key in ctx.match:
        found = matcher.matches(key, row.keys)
        if len(found) > 1:
            names = "; ".join(_describe(record) for record in found[:3])
            message = _("Matches several existing records: %(records)s.") % {"records": names}
            work.results[row.number] = _result(ctx, row, Outcome.DUPLICATE, message)
            return
        if found:
            _matched(ctx, row, found[0], matcher, work)
            return
    if trashed := matcher.trashed_source_id(row.keys):
        message = _(
            "The record with source id “%(id)s” is in the trash: restore it and import again."
        ) % {"id": trashed}
        work.results[row.number] = _result(ctx, row, Outcome.FAILED, message)
        return
    pending = pending_duplicates(ctx.kind, work.pending, row.keys, row.city, row.organization_pks)
    if earlier := pending:
        message = _("Same as row %(row)d of this file.") % {"row": earlier[0].number}
        work.results[row.number] = _result(ctx, row, Outcome.DUPLICATE, message)
        return
    if existing := matcher.likely_duplicates(row.keys, row.city, row.organization_pks):
        message = _("Likely a duplicate of %(record)s.") % {"record": _describe(existing[0])}
        work.results[row.number] = _result(ctx, row, Outcome.DUPLICATE, message)
        return
    _plan_create(ctx, row, work)


def _matched(
    ctx: ImportContext, row: Row, record: Any, matcher: ChunkMatcher, work: ChunkWork
) -> None:
    if record.pk in ctx.created_rows:
        message = _("Same as row %(row)d of this file.") % {"row": ctx.created_rows[record.pk]}
        work.results[row.number] = _result(ctx, row, Outcome.DUPLICATE, message)
        return
    if not ctx.update:
        message = _("Exists already: %(record)s.") % {"record": _describe(record)}
        work.results[row.number] = _result(ctx, row, Outcome.SKIPPED, message, record_id=record.pk)
        return
    if not ctx.can_edit(record):
        message = _("You may not change %(record)s.") % {"record": _describe(record)}
        work.results[row.number] = _result(ctx, row, Outcome.FAILED, message, record_id=record.pk)
        return
    if row.source_id and row.source_id in matcher.source_ids:
        if matcher.source_ids[row.source_id] != record.pk:
            message = _("The source id “%(id)s” belongs to another record.") % {"id": row.source_id}
            work.results[row.number] = _result(ctx, row, Outcome.FAILED, message)
            return
        new_source_id = ""
    else:
        new_source_id = row.source_id
    if _plan_update(ctx, row, record, work) and new_source_id:
        work.external_ids.append(_external_id(ctx, new_source_id, record.pk))


def _external_id(ctx: ImportContext, value: str, pk: int) -> ExternalId:
    return ExternalId(
        source=ctx.source,
        content_type_id=ctx.content_type.pk,
        object_id=pk,
        external_id=value,
        batch_id=ctx.batch.pk,
    )


def _plan_create(ctx: ImportContext, row: Row, work: ChunkWork) -> None:
    values = dict(row.values)
    values.setdefault("owner", ctx.actor)
    values["custom"] = custom_fields.merged(None, row.custom)
    if missing := missing_required(ctx.custom_fields, values["custom"], row.custom, creating=True):
        message = " ".join(f"{field.display_label}: {REQUIRED_MESSAGE()}" for field in missing)
        work.results[row.number] = _result(ctx, row, Outcome.FAILED, message)
        return
    instance = ctx.model(**values, created_by=ctx.actor, updated_by=ctx.actor)
    try:
        instance.full_clean(exclude=[*ctx.m2m_names, *_fetched(instance)], validate_unique=False)
    except ValidationError as error:
        message = " ".join(_messages(error, ctx.model))
        work.results[row.number] = _result(ctx, row, Outcome.FAILED, message)
        return
    work.m2m[row.number] = {"tags": ctx.tag_objects(row.tags)}
    if row.relationship_types is not None:
        work.m2m[row.number]["relationship_types"] = row.relationship_types
    work.creates.append((row, instance))
    work.pending.add(row, row.keys)


def _fetched(instance: models.Model) -> list[str]:
    """Foreign keys that hold a row already read (by the lookups, or the actor): validating
    them would ask the database once more per field and row, four queries a row for
    organizations (see BENCHMARKS.md, import)."""
    cached = instance._state.fields_cache
    return [f.name for f in instance._meta.concrete_fields if cached.get(f.name) is not None]


def _plan_update(ctx: ImportContext, row: Row, record: Any, work: ChunkWork) -> bool:
    changes: dict[str, Any] = {}
    history: list[dict[str, Any]] = []
    values = {k: v for k, v in row.values.items() if k not in DERIVED}
    # An email or phone the record has as a further one stays that: it is no new primary.
    columns = contact_details.primary_columns(type(record))
    further = {(d.kind, d.value) for d in record.contact_details.all()}
    for name, value in values.items():
        if name in columns and (columns[name], value) in further:
            continue
        field_ = record._meta.get_field(name)
        new_value = _json(value)
        if getattr(record, field_.attname) == new_value:
            continue
        before = _state(record, field_)
        setattr(record, field_.name if isinstance(value, models.Model) else field_.attname, value)
        history.append(_change(field_.name, before, _state(record, field_)))
        changes[field_.attname] = [before["value"], new_value]
    _derive(ctx.kind, record, row.values)
    _plan_custom(ctx, row, record, history, changes)
    m2m_new = {"tags": ctx.tag_objects(row.tags)}
    if row.relationship_types is not None:
        m2m_new["relationship_types"] = row.relationship_types
    work.m2m[row.number] = {}
    for name, items in m2m_new.items():
        current = list(getattr(record, name).all())
        added = [item for item in items if item not in current]
        if added:
            history.append(_change(name, _m2m_state(current), _m2m_state(current + added)))
            changes[name] = [[i.pk for i in current], [i.pk for i in current + added]]
            work.m2m[row.number][name] = added
    _plan_details(record, row, changes, history)
    if changes:
        try:
            record.full_clean(
                exclude=[f.name for f in record._meta.fields if f.attname not in changes],
                validate_unique=False,
            )
        except ValidationError as error:
            message = " ".join(_messages(error, ctx.model))
            work.results[row.number] = _result(ctx, row, Outcome.FAILED, message)
            return False
    work.updates.append((row, record, changes, history))
    return True


DETAILS = "contact_details"


def _details_state(details: list[Any]) -> dict[str, Any]:
    items = sorted(str(d) for d in details)
    return {"value": items, "label": ", ".join(items)}


def _plan_details(
    record: Any, row: Row, changes: dict[str, Any], history: list[dict[str, Any]]
) -> None:
    """Further emails and phones the record does not have yet are added (an import never
    removes one); `changes` keeps [before, after] as [kind, value] pairs for undo."""
    current = list(record.contact_details.all())
    taken = {(d.kind, d.value) for d in current}
    taken |= {
        (kind, getattr(record, column))
        for column, kind in contact_details.primary_columns(type(record)).items()
    }
    new = []
    for detail in row.details:
        if (detail.kind, detail.value) not in taken:
            taken.add((detail.kind, detail.value))
            new.append(detail)
    if not new:
        return
    rows = [_detail_row(record, detail, len(current) + i) for i, detail in enumerate(new)]
    before = [[d.kind, d.value] for d in current]
    changes[DETAILS] = [before, before + [[d.kind, d.value] for d in new]]
    history.append(_change(DETAILS, _details_state(current), _details_state(current + rows)))
    row.details = new


def _detail_row(record: Any, detail: Any, position: int) -> Any:
    model = type(record)
    return contact_details.detail_model(model)(
        **{f"{contact_details.owner_field(model)}_id": record.pk},
        kind=detail.kind,
        label=detail.label,
        value=detail.value,
        position=position,
    )


def _write_details(ctx: ImportContext, records: list[tuple[Row, Any]]) -> None:
    """One bulk insert for the chunk's new further values; a repeat within a row is dropped
    (the row's own primary value given again as a further one)."""
    new = []
    for row, record in records:
        primaries = {
            (kind, getattr(record, column))
            for column, kind in contact_details.primary_columns(ctx.model).items()
        }
        seen: set[tuple[str, str]] = set()
        for detail in row.details:
            key = (detail.kind, detail.value)
            if key not in primaries and key not in seen:
                seen.add(key)
                new.append(_detail_row(record, detail, len(seen) - 1))
    contact_details.detail_model(ctx.model).objects.bulk_create(new, ignore_conflicts=True)


def _plan_custom(
    ctx: ImportContext,
    row: Row,
    record: Any,
    history: list[dict[str, Any]],
    changes: dict[str, Any],
) -> None:
    """The row's custom values onto the record, each change named "custom.<code>" in the
    history and in the row's changes (for undo)."""
    stored = custom_fields.values_of(record)
    fields = custom_fields.by_code(ctx.custom_fields)
    for code, value in row.custom.items():
        if value is None or stored.get(code) == value:
            continue
        field_ = fields[code]
        before = {"value": stored.get(code), "label": display(field_, stored.get(code))}
        after = {"value": value, "label": display(field_, value)}
        history.append(_change(f"{CUSTOM_PREFIX}{code}", before, after))
        changes[f"{CUSTOM_PREFIX}{code}"] = [stored.get(code), value]
        stored[code] = value
    if stored:
        record.custom = stored


def _derive(kind: str, record: Any, values: dict[str, Any]) -> None:
    if kind == ImportKind.ORGANIZATIONS:
        record.name_folded = fold(record.name)
        if "business_id" in values:
            record.business_id_kind = values.get("business_id_kind", "")
            record.business_id_key = values.get("business_id_key", "")
    else:
        record.name_folded = fold(f"{record.first_name} {record.last_name}")


def _create(ctx: ImportContext, work: ChunkWork) -> None:
    if not work.creates:
        return
    instances = [instance for _row, instance in work.creates]
    bulk_insert(instances, returning_pk=True)
    history = []
    memberships: list[Membership] = []
    for (row, _unsaved), instance in zip(work.creates, instances, strict=True):
        m2m = work.m2m.get(row.number, {})
        _add_m2m(ctx, instance.pk, m2m, work)
        links = work.links.get(row.number, [])
        memberships += [
            Membership(
                person_id=instance.pk,
                organization=organization,
                role=row.link.get("role", "")[:150],
                is_primary=index == 0,
            )
            for index, organization in enumerate(links)
        ]
        if row.source_id:
            work.external_ids.append(_external_id(ctx, row.source_id, instance.pk))
        created_changes = _created_changes(instance, m2m, ctx.custom_fields)
        if row.details:
            empty = {"value": [], "label": ""}
            added = [_detail_row(instance, d, i) for i, d in enumerate(row.details)]
            created_changes.append(_change(DETAILS, empty, _details_state(added)))
        history.append((instance, _history(ctx, instance, "import_created", created_changes)))
        ctx.created_rows[instance.pk] = row.number
        work.results[row.number] = _result(ctx, row, Outcome.CREATED, record_id=instance.pk)
    bulk_insert(memberships)
    _write_details(ctx, list(zip((row for row, _unsaved in work.creates), instances, strict=True)))
    write_entries(history)  # after the details: listeners see the record complete


def _created_changes(
    instance: Any, m2m: dict[str, list[Any]], custom: list[CustomField] | None = None
) -> list[dict[str, Any]]:
    empty = {"value": None, "label": ""}
    changes = []
    for field_ in tracked_fields(instance._meta.model):
        if field_.many_to_many:
            state = _m2m_state(m2m.get(field_.name, []))
        else:
            state = _state(instance, field_)
        if state["value"] not in (None, "", [], False):
            changes.append(_change(field_.name, empty, state))
    stored = custom_fields.values_of(instance)
    for custom_field in custom or []:
        if stored.get(custom_field.code) is not None:
            value = stored[custom_field.code]
            state = {"value": value, "label": display(custom_field, value)}
            changes.append(_change(f"{CUSTOM_PREFIX}{custom_field.code}", empty, state))
    return changes


def _add_m2m(ctx: ImportContext, pk: int, m2m: dict[str, list[Any]], work: ChunkWork) -> None:
    """The record's tags and relationship types, written with the chunk's others."""
    for name, items in m2m.items():
        if not items:
            continue
        field_ = ctx.model._meta.get_field(name)
        through = field_.remote_field.through
        column, target = f"{field_.m2m_field_name()}_id", f"{field_.m2m_reverse_field_name()}_id"
        work.through_rows.setdefault(through, []).extend(
            through(**{column: pk, target: item.pk}) for item in items
        )


def _write_m2m(through_rows: dict[Any, list[Any]]) -> None:
    for through, rows in through_rows.items():
        through.objects.bulk_create(rows, ignore_conflicts=True)


def _update(ctx: ImportContext, work: ChunkWork) -> None:
    now = timezone.now()
    changed_records = []
    with_details: list[tuple[Row, Any]] = []
    fields: set[str] = set()
    history = []
    memberships = _Memberships(ctx, work)
    for row, record, changes, history_changes in work.updates:
        membership = memberships.add(record, row, work.links.get(row.number, []))
        if not changes:
            outcome = Outcome.UPDATED if membership else Outcome.UNCHANGED
            work.results[row.number] = _result(ctx, row, outcome, record_id=record.pk)
            memberships.link(work.results[row.number], membership)
            continue
        record.version += 1
        record.updated_by = ctx.actor
        record.updated_at = now
        fields |= {
            "custom" if name.startswith(CUSTOM_PREFIX) else name
            for name in changes
            if name not in ctx.m2m_names and name != DETAILS
        }
        _add_m2m(ctx, record.pk, work.m2m.get(row.number, {}), work)
        if DETAILS in changes:
            with_details.append((row, record))
        changed_records.append(record)
        history.append((record, _history(ctx, record, "import_updated", history_changes)))
        work.results[row.number] = _result(
            ctx,
            row,
            Outcome.UPDATED,
            record_id=record.pk,
            changes=changes,
        )
        memberships.link(work.results[row.number], membership)
    memberships.write()
    if changed_records:
        derived = DERIVED & {f.name for f in ctx.model._meta.fields}
        ctx.model.objects.bulk_update(
            changed_records,
            [*fields, *derived, "version", "updated_by", "updated_at"],
        )
    _write_details(ctx, with_details)
    write_entries(history)


class _Memberships:
    """Memberships in the rows' organizations for the chunk's updated people who have none
    there yet: their current memberships read with one query, the new ones written with one
    insert."""

    def __init__(self, ctx: ImportContext, work: ChunkWork) -> None:
        people = [record.pk for row, record, *_rest in work.updates if work.links.get(row.number)]
        self.current: dict[int, list[tuple[int, bool]]] = {}
        if people:
            rows = Membership.objects.filter(person_id__in=people, end_date__isnull=True)
            for person, organization, primary in rows.values_list(
                "person_id", "organization_id", "is_primary"
            ):
                self.current.setdefault(person, []).append((organization, primary))
        self.new: list[Membership] = []
        self.results: list[tuple[ImportRow, Membership]] = []

    def add(self, person: Any, row: Row, organizations: list[Organization]) -> Membership | None:
        """A membership in the row's organization when the person has none there yet (its
        id is known once `write` has run)."""
        if not organizations:
            return None
        organization = organizations[0]
        current = self.current.setdefault(person.pk, [])
        if any(pk == organization.pk for pk, _primary in current):
            return None
        membership = Membership(
            person_id=person.pk,
            organization_id=organization.pk,
            role=row.link.get("role", "")[:150],
            is_primary=not any(primary for _pk, primary in current),
        )
        current.append((organization.pk, membership.is_primary))
        self.new.append(membership)
        return membership

    def link(self, result: ImportRow, membership: Membership | None) -> None:
        """The row's result names the membership it added (for undo)."""
        if membership is not None:
            self.results.append((result, membership))

    def write(self) -> None:
        bulk_insert(self.new, returning_pk=True)
        for result, membership in self.results:
            result.membership_id = membership.pk


def _history(ctx: ImportContext, record: Any, event: str, changes: list[Any]) -> HistoryEntry:
    return HistoryEntry(
        content_type_id=ctx.content_type.pk,
        object_id=str(record.pk),
        record_label=str(record)[:300],
        action=HistoryEntry.Action.EVENT,
        event=event,
        changes=changes,
        actor_id=ctx.actor.pk,
    )


class _OrganizationLinks:
    """A people chunk's organizations, found by source id, business ID or name; one named by a
    name the register does not know is created (once, however many rows name it)."""

    def __init__(self, ctx: ImportContext, rows: list[Row]) -> None:
        self.ctx = ctx
        links = [row.link for row in rows]
        source_ids = {
            link["organization_source_id"] for link in links if "organization_source_id" in link
        }
        self.by_source = dict(
            ExternalId.objects.filter(
                source=ctx.source, content_type=ctx.organization_ct, external_id__in=source_ids
            ).values_list("external_id", "object_id")
        )
        keys = {self._key(link.get("organization_business_id", "")) for link in links} - {""}
        names = set()
        for link in links:
            if "organization" in link:
                names.add(fold(link["organization"]))
                names.update(fold(part) for part in link["organization"].split(", "))
        found = Organization.objects.filter(
            models.Q(pk__in=self.by_source.values())
            | models.Q(business_id_key__in=keys)
            | models.Q(name_folded__in=names)
        )
        self.by_pk = {o.pk: o for o in found}
        self.by_key = {o.business_id_key: o for o in found if o.business_id_key}
        self.by_name: dict[str, list[Organization]] = {}
        for organization in found:
            self.by_name.setdefault(organization.name_folded, []).append(organization)

    @staticmethod
    def _key(business_id: str) -> str:
        try:
            return parse_business_id(business_id).match_key if business_id else ""
        except ValidationError:
            return business_id

    def resolve(self, row: Row) -> list[Organization]:
        link = row.link
        if source_id := link.get("organization_source_id"):
            organization = self.by_pk.get(self.by_source.get(source_id, 0))
            if organization is None:
                raise ValidationError(
                    _("No organization has the source id “%(id)s”.") % {"id": source_id}
                )
            return [organization]
        if business_id := link.get("organization_business_id"):
            organization = self.by_key.get(self._key(business_id))
            if organization is None:
                raise ValidationError(
                    _("No organization has the business ID “%(id)s”.") % {"id": business_id}
                )
            return [organization]
        if name := link.get("organization"):
            return self._by_name(name, row)
        return []

    def _by_name(self, name: str, row: Row) -> list[Organization]:
        whole = self.by_name.get(fold(name), [])
        if len(whole) > 1:
            raise ValidationError(
                _(
                    "Several organizations are called “%(name)s”: link by business ID or "
                    "source id instead."
                )
                % {"name": name}
            )
        if whole:
            return whole
        # Sampo's export lists a person's current organizations joined with ", ".
        parts = [self.by_name.get(fold(part), []) for part in name.split(", ")]
        if len(parts) > 1 and all(len(found) == 1 for found in parts):
            return [found[0] for found in parts]
        return [self._create(name, row)]

    def _create(self, name: str, row: Row) -> Organization:
        required = missing_required(
            custom_fields.definitions("organization"), None, {}, creating=True
        )
        if required:
            raise ValidationError(
                _(
                    "No organization is called “%(name)s”, and a new one needs “%(field)s”: "
                    "import the organizations first."
                )
                % {"name": name, "field": required[0].display_label}
            )
        organization = Organization(
            name=name[:200],
            name_folded=fold(name[:200]),
            owner=row.values.get("owner") or self.ctx.actor,
            created_by=self.ctx.actor,
            updated_by=self.ctx.actor,
        )
        organization.full_clean()
        organization.save()
        write_entries(
            [
                (
                    organization,
                    HistoryEntry(
                        content_type=self.ctx.organization_ct,
                        object_id=str(organization.pk),
                        record_label=str(organization)[:300],
                        action=HistoryEntry.Action.EVENT,
                        event="import_created",
                        changes=_created_changes(organization, {}),
                        actor=self.ctx.actor,
                    ),
                )
            ]
        )
        self.ctx.batch.created_organizations.append(organization.pk)
        self.by_name[organization.name_folded] = [organization]
        return organization


# --- Running a batch ----------------------------------------------------------------------------

COUNTERS = {
    Outcome.CREATED: "created_count",
    Outcome.UPDATED: "updated_count",
    Outcome.UNCHANGED: "unchanged_count",
    Outcome.SKIPPED: "skipped_count",
    Outcome.DUPLICATE: "duplicate_count",
    Outcome.FAILED: "failed_count",
}
BATCH_PROGRESS_FIELDS = [
    "processed_rows",
    *COUNTERS.values(),
    "created_tags",
    "created_organizations",
]


def chunk_writer(
    batch: ImportBatch, actor: User
) -> Callable[[list[tuple[int, list[str]]]], list[ImportRow]]:
    """What writes this batch's chunks: the register's own writer for organizations and
    people, the registered type's for any other."""
    import_type = registry.get(batch.kind)
    if import_type is not None:
        return import_type.writer(batch, actor)
    ctx = ImportContext(batch, actor)
    return lambda chunk: write_chunk(ctx, chunk)


def run_batch(
    batch: ImportBatch,
    table: Table,
    *,
    actor: User,
    progress: Callable[[ImportBatch], None] | None = None,
    deadline: float | None = None,
) -> ImportBatch:
    """Import the rows of `table` not done yet, chunk by chunk, each chunk committed with the
    batch's progress. Past `deadline` (a time.monotonic() value) it stops before the next chunk
    and leaves the batch running, for the caller to go on with later."""
    write = chunk_writer(batch, actor)
    batch.status = ImportBatch.Status.RUNNING
    batch.total_rows = len(table.rows)
    batch.started_at = batch.started_at or timezone.now()
    batch.save(update_fields=["status", "total_rows", "started_at"])
    rows = rows_from(table, start=batch.processed_rows)
    sliced = False
    while chunk := list(itertools.islice(rows, CHUNK_SIZE)):
        # Out of time with rows left: stop here (a slice always does at least one chunk).
        if sliced and deadline is not None and time.monotonic() > deadline:
            return batch
        with transaction.atomic():
            for result in write(chunk):
                counter = COUNTERS[Outcome(result.outcome)]
                setattr(batch, counter, getattr(batch, counter) + 1)
            batch.processed_rows = chunk[-1][0] - 1
            batch.save(update_fields=BATCH_PROGRESS_FIELDS)
        if progress is not None:
            progress(batch)
        sliced = True
    batch.status = ImportBatch.Status.DONE
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "finished_at"])
    return batch


def preview_rows(batch: ImportBatch, table: Table, *, actor: User, limit: int) -> list[ImportRow]:
    """What the first rows would become, written and rolled back: the same code as the
    import itself, so the preview cannot promise what the import will not do."""
    with transaction.atomic():
        write = chunk_writer(batch, actor)
        results = write(list(itertools.islice(rows_from(table), limit)))
        transaction.set_rollback(True)
    return results
