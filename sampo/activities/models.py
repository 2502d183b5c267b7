"""Calls, meetings, emails and notes: logged when they happened, or planned for a date."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sampo.contacts.models import Organization, Person
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
        return str(self.SEEDED_LABELS.get(self.code, self.name))


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
            # An organization's timeline: WHERE organization_id = ? ORDER BY when DESC
            models.Index(fields=["organization", "-when"], name="activity_org_timeline_idx"),
            # A record's activities and its next step: WHERE regarding_type_id = ? AND
            # regarding_id = ? AND status = 'planned' ORDER BY when
            models.Index(
                fields=["regarding_type", "regarding_id", "status", "when"],
                name="activity_regarding_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="planned") | Q(has_time=True),
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
