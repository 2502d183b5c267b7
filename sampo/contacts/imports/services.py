"""Every write of the import: upload, mapping, preview, start, run and undo (undo.py). The
web wizard, the command line and the worker all come through here."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from sampo.accounts.models import User
from sampo.contacts import access
from sampo.contacts.imports import mapping as import_mapping
from sampo.contacts.imports import registry, runner
from sampo.contacts.imports.matching import match_keys
from sampo.contacts.imports.models import ImportBatch, ImportKind, ImportRow
from sampo.contacts.imports.readers import Table, read_table
from sampo.contacts.imports.undo import can_undo, import_undo, undo_deadline
from sampo.core.audit import audit_record

__all__ = [
    "ImportOptions",
    "can_undo",
    "failed_rows",
    "import_configure",
    "import_from_file",
    "import_preview",
    "import_run",
    "import_start",
    "import_table",
    "import_undo",
    "import_upload",
    "undo_deadline",
]

DEFAULT_MATCH = {
    ImportKind.ORGANIZATIONS: ["source_id", "business_id"],
    ImportKind.PEOPLE: ["source_id", "email"],
}
DEFAULT_SOURCE = "import"
# The share of the worker's task timeout one slice of a long import may take: the rest is
# margin for the chunk at hand when the time is up.
IMPORT_SLICE_SHARE = 0.5


@dataclass(frozen=True)
class ImportOptions:
    match: list[str]
    on_match: str  # "update" or "skip"
    source: str

    def as_json(self) -> dict[str, Any]:
        return {"match": self.match, "on_match": self.on_match, "source": self.source}


def default_match(kind: str) -> list[str]:
    import_type = registry.get(kind)
    if import_type is not None:
        return list(import_type.default_match)
    return list(DEFAULT_MATCH[ImportKind(kind)])


def default_options(kind: str) -> ImportOptions:
    return ImportOptions(default_match(kind), "update", DEFAULT_SOURCE)


def require_create(actor: User, kind: str) -> None:
    """The user may add records of this type (PermissionDenied otherwise); an unknown type
    is a ValidationError."""
    import_type = registry.get(kind)
    if import_type is not None:
        import_type.require_create(actor)
        return
    if kind not in ImportKind.values:
        raise ValidationError(_("Unknown record type “%(kind)s”.") % {"kind": kind})
    access.require_create(actor)


def clean_options(kind: str, options: ImportOptions) -> ImportOptions:
    allowed = match_keys(kind)
    unknown = [key for key in options.match if key not in allowed]
    if unknown:
        raise ValidationError(
            _("Records cannot be matched by “%(key)s”; choose from %(keys)s.")
            % {"key": unknown[0], "keys": ", ".join(allowed)}
        )
    if options.on_match not in {"update", "skip"}:
        raise ValidationError(_("Choose whether to update or skip the records found."))
    source = " ".join(options.source.split())[:100] or DEFAULT_SOURCE
    ordered = [key for key in allowed if key in options.match]
    return ImportOptions(ordered, options.on_match, source)


def _new_batch(*, actor: User, kind: str, file_name: str, table: Table) -> ImportBatch:
    return ImportBatch(
        kind=kind,
        created_by=actor,
        file_name=file_name[:255],
        file_format=table.file_format,
        encoding=table.encoding,
        delimiter=table.delimiter,
        headers=table.headers,
        mapping=import_mapping.guess_mapping(kind, table.headers),
        options=default_options(kind).as_json(),
        total_rows=len(table.rows),
    )


def import_upload(*, actor: User, kind: str, file_name: str, content: bytes) -> ImportBatch:
    """A new batch for the wizard: the file read (refused with a clear message if it cannot
    be), kept in the default storage under imports/, its mapping guessed."""
    require_create(actor, kind)
    table = read_table(content, file_name)
    batch = _new_batch(actor=actor, kind=kind, file_name=file_name, table=table)
    with transaction.atomic():
        batch.file.save(file_name[-100:], ContentFile(content), save=False)
        batch.save()
    return batch


def _require_owner(actor: User, batch: ImportBatch) -> None:
    require_create(actor, batch.kind)
    if batch.created_by_id != actor.pk and not actor.is_admin:
        raise PermissionDenied


def import_configure(
    *, actor: User, batch: ImportBatch, mapping: list[str], options: ImportOptions
) -> ImportBatch:
    _require_owner(actor, batch)
    if batch.status != ImportBatch.Status.DRAFT:
        raise ValidationError(_("This import has started already; its settings are fixed."))
    if len(mapping) != len(batch.headers):
        raise ValidationError(_("Choose a field (or none) for every column."))
    batch.mapping = import_mapping.validate_mapping(batch.kind, mapping)
    batch.options = clean_options(batch.kind, options).as_json()
    batch.save(update_fields=["mapping", "options"])
    return batch


def import_table(batch: ImportBatch) -> Table:
    with batch.file.open("rb") as stored:
        return read_table(stored.read(), batch.file_name)


def import_preview(*, actor: User, batch: ImportBatch, limit: int = 20) -> list[ImportRow]:
    """The first rows as the import would write them, with each row's errors; nothing kept."""
    _require_owner(actor, batch)
    return runner.preview_rows(batch, import_table(batch), actor=actor, limit=limit)


def import_start(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Queue the import for the worker, once."""
    _require_owner(actor, batch)
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.status != ImportBatch.Status.DRAFT:
            return batch
        import_mapping.validate_mapping(batch.kind, batch.mapping)
        batch.status = ImportBatch.Status.QUEUED
        batch.save(update_fields=["status"])
        _audit_start(actor, batch)
        pk = batch.pk
        transaction.on_commit(lambda: async_task("sampo.contacts.imports.tasks.run_import", pk))
    return batch


def _audit_start(actor: User, batch: ImportBatch) -> None:
    details = {"kind": batch.kind, "file": batch.file_name, "rows": batch.total_rows}
    audit_record("import_started", actor=actor, target=batch, details=details)


def import_run(
    batch: ImportBatch, *, progress: Callable[[ImportBatch], None] | None = None
) -> None:
    """The worker's part: import what is not done yet. A batch whose worker died is picked up
    again by the queue and goes on from its last committed chunk. A long import works in
    slices well inside the worker's task timeout, each slice queueing the next."""
    if batch.status not in {ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING}:
        return
    actor = batch.created_by
    deadline = time.monotonic() + settings.WORKER_TASK_TIMEOUT * IMPORT_SLICE_SHARE
    with translation.override(actor.language or settings.LANGUAGE_CODE):
        try:
            runner.run_batch(
                batch, import_table(batch), actor=actor, progress=progress, deadline=deadline
            )
        except Exception as error:
            _stopped(batch, error)
            raise
    if batch.status == ImportBatch.Status.RUNNING:
        async_task("sampo.contacts.imports.tasks.run_import", batch.pk)
        return
    if batch.file:
        batch.file.delete(save=True)


def _stopped(batch: ImportBatch, error: Exception) -> None:
    batch.status = ImportBatch.Status.FAILED
    batch.error = str(error)[:2000] or error.__class__.__name__
    batch.finished_at = timezone.now()
    batch.save(update_fields=["status", "error", "finished_at"])


def import_from_file(
    *,
    actor: User,
    kind: str,
    file_name: str,
    content: bytes,
    mapping: dict[str, str] | None = None,
    options: ImportOptions | None = None,
    dry_run: bool = False,
    progress: Callable[[ImportBatch], None] | None = None,
) -> ImportBatch:
    """The command line's import: in this process, the same batch and chunks as the worker's.
    `mapping` overrides the guess per column (by header or 1-based number). A dry run writes
    everything, reports it, and rolls it all back."""
    require_create(actor, kind)
    table = read_table(content, file_name)
    batch = _new_batch(actor=actor, kind=kind, file_name=file_name, table=table)
    batch.mapping = import_mapping.validate_mapping(
        kind, _override(batch.headers, batch.mapping, mapping or {})
    )
    batch.options = clean_options(kind, options or default_options(kind)).as_json()
    with transaction.atomic():
        batch.status = ImportBatch.Status.QUEUED
        batch.save()
        _audit_start(actor, batch)
        runner.run_batch(batch, table, actor=actor, progress=progress)
        if dry_run:
            transaction.set_rollback(True)
    return batch


def _override(headers: list[str], guessed: list[str], given: dict[str, str]) -> list[str]:
    mapping = list(guessed)
    keys = [import_mapping.header_key(header) for header in headers]
    for column, target in given.items():
        if column.isdigit() and 1 <= int(column) <= len(headers):
            index = int(column) - 1
        elif import_mapping.header_key(column) in keys:
            index = keys.index(import_mapping.header_key(column))
        else:
            raise ValidationError(_("The file has no column “%(column)s”.") % {"column": column})
        if target:
            # The field moves to this column: no other column keeps it.
            mapping = ["" if t == target else t for t in mapping]
        mapping[index] = target
    return mapping


def failed_rows(batch: ImportBatch) -> tuple[list[str], Iterator[list[str]]]:
    """The rows that did not become a record, as they were in the file, with the reason."""
    headers = [*batch.headers, _("Row"), _("Result"), _("Error")]
    rows = batch.rows.exclude(
        outcome__in=[
            ImportRow.Outcome.CREATED,
            ImportRow.Outcome.UPDATED,
            ImportRow.Outcome.UNCHANGED,
        ]
    ).order_by("row_number")

    def lines() -> Iterator[list[str]]:
        width = len(batch.headers)
        for row in rows.iterator(chunk_size=2000):
            cells = [*row.cells, *[""] * (width - len(row.cells))]
            yield [*cells, str(row.row_number), row.get_outcome_display(), row.message]

    return headers, lines()


def import_discard_stale_files(*, now: datetime.datetime | None = None) -> int:
    """Uploaded files of imports never run, after IMPORT_FILE_RETENTION_DAYS: their batch
    stays, without its file."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.IMPORT_FILE_RETENTION_DAYS)
    stale = ImportBatch.objects.filter(created_at__lt=cutoff).exclude(file="")
    discarded = 0
    for batch in stale.iterator():
        batch.file.delete(save=True)
        discarded += 1
    return discarded
