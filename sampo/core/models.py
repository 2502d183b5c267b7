"""Ground floor of every business record: who made and changed it, its version, soft delete,
and the field-by-field history shown on its page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LiveManager(models.Manager):
    """Rows not in the trash. Trashed rows stay reachable through `all_objects`."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class BusinessModel(models.Model):
    """Abstract base: timestamps and users, an edit version, soft delete.

    Writes go through services (see core.records), which bump `version`, record history and
    refuse stale edits; nothing here reacts to save() on its own.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deleted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LiveManager()
    all_objects = models.Manager()  # noqa: DJ012 (ruff mistakes a manager for a field)

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class HistoryEntry(models.Model):
    """One change to one record: created, changed (with old and new values), deleted, restored,
    or a named event. Labels are stored as they read at the time, so the history stays legible
    after a related record is renamed or purged."""

    # Translators: each label follows the name of who did it ("Anna Kallio created").
    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("someone ... the record", "created")
        CHANGED = "changed", pgettext_lazy("someone ... the record", "changed")
        DELETED = "deleted", pgettext_lazy("someone ... the record", "moved to trash")
        RESTORED = "restored", pgettext_lazy("someone ... the record", "restored from trash")
        EVENT = "event", pgettext_lazy("someone ... the record", "recorded an event")

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    record = GenericForeignKey("content_type", "object_id")
    record_label = models.CharField(_("record"), max_length=300)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    # The event's code for Action.EVENT (e.g. "deactivated"); its text is looked up when shown.
    event = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        ordering = ["-created_at", "-id"]
        indexes = [
            # A record's history page: WHERE content_type=? AND object_id=? ORDER BY created_at DESC
            models.Index(
                fields=["content_type", "object_id", "-created_at"], name="history_record_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_label}: {self.action}"

    @property
    def field_changes(self) -> list[dict[str, Any]]:
        return self.changes if isinstance(self.changes, list) else []


class AuditEvent(models.Model):
    """One sensitive action (a login, an export, a merge, a permission change): who, when,
    from where, what and on which record. Written only through `audit.audit_record`; kept for
    settings.AUDIT_KEEP_DAYS. Labels are stored as they read at the time, so the log stays
    legible after a user is renamed or a record purged."""

    created_at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The user's email at the time, or the address typed into a failed login.
    actor_label = models.CharField(_("user"), max_length=254, blank=True)
    # A code registered in core.audit (e.g. "login_failed"); its text is looked up when shown.
    action = models.CharField(_("action"), max_length=64)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    target_label = models.CharField(_("record"), max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The audit page unfiltered, and the retention purge: ORDER BY created_at DESC, id DESC
            # / WHERE created_at < ?
            models.Index(fields=["-created_at", "-id"], name="audit_newest_idx"),
            # Filtered by user: WHERE actor_id=? ORDER BY created_at DESC
            models.Index(fields=["actor", "-created_at"], name="audit_actor_idx"),
            # Filtered by action: WHERE action=? ORDER BY created_at DESC
            models.Index(fields=["action", "-created_at"], name="audit_action_idx"),
            # Filtered by address: WHERE ip_address=? ORDER BY created_at DESC
            models.Index(fields=["ip_address", "-created_at"], name="audit_ip_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class CustomField(models.Model):
    """An extra field an admin defines for one record type (see core.custom_fields). Values
    live on the records themselves, in their `custom` JSON column, keyed by `code`; archiving
    a field hides it everywhere and keeps every value."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        MONEY = "money", _("Money")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choice")
        MULTI_CHOICE = "multi_choice", _("Several choices")
        YES_NO = "yes_no", _("Yes or no")

    record_type = models.CharField(_("record type"), max_length=40)
    # The key of the values in the records' JSON: fixed once the field exists.
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=100)
    # {"fi": "...", "hu": "..."}: the label in a language; `label` where one is missing.
    labels = models.JSONField(default=dict, blank=True)
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    # [{"key": "gold", "label": "Gold", "archived": false}, ...] in the order shown. Values
    # store the key, so a choice can be renamed without touching a record.
    choices = models.JSONField(default=list, blank=True)
    currency = models.CharField(_("default currency"), max_length=3, blank=True)
    required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=100)
    is_archived = models.BooleanField(_("archived"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("custom field")
        verbose_name_plural = _("custom fields")
        ordering = ["record_type", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["record_type", "code"], name="custom_field_code_unique")
        ]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        language = (translation.get_language() or "en")[:2]
        return str((self.labels or {}).get(language) or self.label)

    @property
    def key(self) -> str:
        """The field's name in forms, list columns and query strings."""
        return f"cf_{self.code}"


class ListColumns(models.Model):
    """The columns a user chose for one list (e.g. "contacts.organizations"), in order."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    list_key = models.CharField(max_length=60)
    columns = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "list_key"], name="list_columns_one_per_list")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.list_key}"
