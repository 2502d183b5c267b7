"""Calls, meetings, emails and notes: logged when they happened, or planned for a date."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sampo.contacts.models import Organization, Person
from sampo.core import named_types
from sampo.core.models import BusinessModel


class ActivityType(models.Model):
    """Seeded: call, meeting, email, note. Admins may add their own ("site visit", "demo")."""

    SEEDED_LABELS: ClassVar[dict[str, object]] = {
        "call": _("Call"),
        "meeting": _("Meeting"),
        "email": _("Email"),
        "note": _("Note"),
    }

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return named_types.display_name(self.name, self.SEEDED_LABELS.get(self.code))


class Activity(BusinessModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DONE = "done", _("done")
        CANCELLED = "cancelled", _("cancelled")

    type = models.ForeignKey(
        ActivityType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DONE
    )
    # When it happened (done) or is due (planned), for ordering timelines; `day` is its date in
    # the assignee's time zone, for My day. A planned activity without a set time is due during
    # its day: `has_time` is False and `when` is the start of that day.
    when = models.DateTimeField(_("when"))
    day = models.DateField(_("date"))
    has_time = models.BooleanField(_("at a set time"), default=True)
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=200, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        related_name="assigned_activities",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    people = models.ManyToManyField(
        Person, verbose_name=_("people"), blank=True, related_name="activities"
    )
    # What the activity is about beyond the customer (an opportunity, later a ticket): a generic
    # reference, so that this app never imports the domains above it (see regarding.py).
    regarding_type = models.ForeignKey(
        ContentType,
        verbose_name=_("regarding"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    regarding_id = models.PositiveBigIntegerField(null=True, blank=True)
    regarding = GenericForeignKey("regarding_type", "regarding_id")

    # The record's type is shown in the history; its bare number would tell a reader nothing.
    history_exclude = ("regarding_id",)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-when", "-id"]
        indexes = [
            # My day: WHERE assignee_id = ? AND status = 'planned' AND day <= ? ORDER BY when
            models.Index(fields=["assignee", "status", "day"], name="activity_my_day_idx"),
            # The API's activity list, keyset-paged: ORDER BY when DESC, id DESC LIMIT ? with
            # WHERE when < ? OR (when = ? AND id < ?) after the first page; and an
            # organization's timeline, its people's part: the activities since the oldest of
            # the page's own ones, WHERE when >= ? ORDER BY when DESC (read backwards).
            models.Index(fields=["when", "id"], name="activity_when_id_idx"),
            # An organization's timeline: WHERE organization_id = ? ORDER BY when DESC
            models.Index(fields=["organization", "-when"], name="activity_org_timeline_idx"),
            # Reminders and overdue alerts: WHERE status = 'planned' AND when BETWEEN ? AND ?
            models.Index(
                fields=["when"], condition=Q(status="planned"), name="activity_planned_when_idx"
            ),
            # A record's activities and its next step: WHERE regarding_type_id = ? AND
            # regarding_id = ? AND status = 'planned' ORDER BY when
            models.Index(
                fields=["regarding_type", "regarding_id", "status", "when"],
                name="activity_regarding_idx",
            ),
        ]
        constraints = [
            # What was done happened at a time; a planned one, or one cancelled before it was
            # done (an untimed follow-up an import undo cancels), may have only a day.
            models.CheckConstraint(
                condition=Q(status__in=["planned", "cancelled"]) | Q(has_time=True),
                name="activity_done_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_overdue(self) -> bool:
        if self.status != self.Status.PLANNED:
            return False
        if self.has_time:
            return self.when < timezone.now()
        return self.day < timezone.localdate()


class CalendarFeed(models.Model):
    """A user's private calendar feed. The feed URL is signed with this row's `version`:
    resetting the link bumps it, and every address handed out before stops working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calendar_feed"
    )
    version = models.PositiveIntegerField(default=1)
    enabled = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user} v{self.version}"


def _attachment_path(attachment: Attachment, filename: str) -> str:
    # A random folder per file: names never collide and cannot be guessed.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}/{filename}"


class Attachment(models.Model):
    """A file kept with an activity (an offer sent, a photo of a business card)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Reminder(models.Model):
    """A reminder email decided on, then sent: the outbox of `activities.reminders`.

    The periodic job writes the row in the same transaction as its decision, and the unique
    constraints make that decision once per activity (or user and day) even when two workers
    run the job at once or a worker restarts; the send task then marks it sent under a row lock.
    """

    class Kind(models.TextChoices):
        DUE = "due", _("reminder at the due time")
        OVERDUE = "overdue", _("overdue alert to the team leader")
        DIGEST = "digest", _("morning summary")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Bookkeeping of the activity's reminders: purging the activity from the trash takes it.
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    # The due time reminded of: rescheduling the activity arms a new reminder.
    due_at = models.DateTimeField(null=True, blank=True)
    # The recipient's local date of a morning summary.
    day = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Set by the send task: the email went out, or there was nothing left to send.
    # When the send task was last queued; a send lost in a crash is queued again later.
    queued_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "due_at"],
                condition=Q(kind="due"),
                name="reminder_due_once_per_due_time",
            ),
            models.UniqueConstraint(
                fields=["activity", "recipient"],
                condition=Q(kind="overdue"),
                name="reminder_overdue_once_per_leader",
            ),
            models.UniqueConstraint(
                fields=["recipient", "day"],
                condition=Q(kind="digest"),
                name="reminder_digest_once_per_day",
            ),
        ]
        indexes = [
            # The sweep for sends lost in a crash: WHERE sent_at IS NULL AND queued_at < ?
            models.Index(
                fields=["queued_at"], condition=Q(sent_at__isnull=True), name="reminder_unsent_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.recipient_id} {self.activity_id or self.day}"


class Follow(models.Model):
    """A user who wants to hear of every activity on an organization or a person."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follows"
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            # Also serves "who follows this record": WHERE content_type_id = ? AND object_id IN
            # (...) is answered by the index below; this one answers "does X follow it".
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="follow_once"
            )
        ]
        indexes = [
            # Followers of records: WHERE content_type_id = ? AND object_id IN (...)
            models.Index(fields=["content_type", "object_id"], name="follow_record_idx")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.content_type_id}:{self.object_id}"
