"""Import batches, their per-row results, and the ids records have in other systems."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampo.contacts.imports import registry


class ImportKind(models.TextChoices):
    ORGANIZATIONS = "organizations", _("Organizations")
    PEOPLE = "people", _("People")


def import_kind_choices() -> list[tuple[str, Any]]:
    """The register's own record types, then those other apps registered (registry.py)."""
    return [*ImportKind.choices, *((t.key, t.label) for t in registry.registered())]


class ExternalId(models.Model):
    """A record's id in another system ("source"), so that a later file can point at it (a
    person's organization by its source id) and a re-import finds it instead of duplicating."""

    source = models.CharField(_("source system"), max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    external_id = models.CharField(_("source id"), max_length=200)
    # The import that wrote it, so that undoing the import removes it too.
    batch = models.ForeignKey(
        "contacts.ImportBatch", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("source id")
        verbose_name_plural = _("source ids")
        constraints = [
            # Lookup by source id: WHERE source=? AND content_type_id=? AND external_id IN (...)
            models.UniqueConstraint(
                fields=["source", "content_type", "external_id"], name="external_id_unique"
            )
        ]
        indexes = [
            # A record's source ids: WHERE content_type_id=? AND object_id=?
            models.Index(fields=["content_type", "object_id"], name="external_id_record_idx")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class ImportBatch(models.Model):
    """One import of one file: its options, its progress chunk by chunk, and its counts."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("import status", "Not started")
        QUEUED = "queued", pgettext_lazy("import status", "Waiting")
        RUNNING = "running", pgettext_lazy("import status", "Running")
        DONE = "done", pgettext_lazy("import status", "Done")
        FAILED = "failed", pgettext_lazy("import status", "Stopped by an error")
        UNDONE = "undone", pgettext_lazy("import status", "Undone")

    kind = models.CharField(_("record type"), max_length=16, choices=import_kind_choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=255)
    # The uploaded file while the import needs it; emptied when it is done or undone.
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=300, blank=True)
    file_format = models.CharField(max_length=16, blank=True)  # csv, xlsx, vcard
    encoding = models.CharField(max_length=32, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    headers = models.JSONField(default=list, blank=True)
    # One target field per column ("" ignores the column).
    mapping = models.JSONField(default=list, blank=True)
    # match (list of keys in priority order), on_match ("update" or "skip"), source (name).
    options = models.JSONField(default=dict, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    # Rows 1..processed_rows of the file are done: every chunk commits its rows and this
    # number together, so after a crash the import goes on from here.
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    duplicate_count = models.PositiveIntegerField(_("skipped as duplicate"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    # Tags the import created, removed again by an undo if nothing else uses them.
    created_tags = models.JSONField(default=list, blank=True)
    # Organizations a people import created because a row named one that did not exist.
    created_organizations = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [
            # A user's imports, newest first: WHERE created_by_id=? ORDER BY created_at DESC
            models.Index(fields=["created_by", "-created_at"], name="import_batch_user_idx"),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED, self.Status.UNDONE}

    @property
    def percent_done(self) -> int:
        if not self.total_rows:
            return 100 if self.is_finished else 0
        return min(100, self.processed_rows * 100 // self.total_rows)


class ImportRow(models.Model):
    """What one row of the file became. Rows that did not become a record keep their original
    cells, so that nothing a user gave is lost; updated rows keep the values they replaced."""

    class Outcome(models.TextChoices):
        CREATED = "created", pgettext_lazy("import row outcome", "Created")
        UPDATED = "updated", pgettext_lazy("import row outcome", "Updated")
        UNCHANGED = "unchanged", pgettext_lazy("import row outcome", "Unchanged")
        SKIPPED = "skipped", pgettext_lazy("import row outcome", "Skipped: exists already")
        DUPLICATE = "duplicate", pgettext_lazy("import row outcome", "Skipped as duplicate")
        FAILED = "failed", pgettext_lazy("import row outcome", "Failed")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField(_("row"))
    outcome = models.CharField(_("result"), max_length=16, choices=Outcome.choices)
    record_id = models.PositiveBigIntegerField(null=True, blank=True)
    cells = models.JSONField(default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    # Updated rows: {field: [value before, value imported]}, for the undo.
    changes = models.JSONField(default=dict, blank=True)
    # A membership the row added to an existing person, removed by the undo.
    membership_id = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="import_row_once"),
        ]
        indexes = [
            # A batch's failed rows, the undo's created rows: WHERE batch_id=? AND outcome=?
            models.Index(fields=["batch", "outcome"], name="import_row_outcome_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number}"
