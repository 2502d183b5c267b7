"""Outbound webhooks: an admin's subscription of a URL to event types, the events written in
the same transaction as the change they tell about (an outbox), one delivery per event and
subscription, and the log of every attempt."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Every event type a subscription may choose, with its label, in the order shown.
EVENT_TYPES: dict[str, object] = {
    "organization.created": _("Organization created"),
    "organization.updated": _("Organization updated"),
    "organization.deleted": _("Organization deleted"),
    "person.created": _("Person created"),
    "person.updated": _("Person updated"),
    "person.deleted": _("Person deleted"),
    "activity.created": _("Activity created"),
    "activity.updated": _("Activity updated"),
    "activity.deleted": _("Activity deleted"),
    "activity.completed": _("Activity completed"),
    "activity.due": _("Activity due"),
    "opportunity.created": _("Opportunity created"),
    "opportunity.updated": _("Opportunity updated"),
    "opportunity.deleted": _("Opportunity deleted"),
    "opportunity.stage_changed": _("Opportunity moved to another stage"),
    "opportunity.won": _("Opportunity won"),
    "opportunity.lost": _("Opportunity lost"),
}
TEST_EVENT = "webhook.test"


class Subscription(models.Model):
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=2000)
    event_types = models.JSONField(_("events"), default=list)
    # Signs every request (HMAC-SHA256); shown to admins, who give it to the receiver.
    secret = models.CharField(max_length=64)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Why it was switched off automatically; empty when an admin did it.
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    history_exclude = ("secret", "consecutive_failures", "disabled_at", "disabled_reason")

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Event(models.Model):
    """Written in the transaction of the change: if the change commits, so does its event."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=40)
    occurred_at = models.DateTimeField()
    # The body as sent, minus nothing: {"id", "type", "occurred_at", "data"}.
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.id}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("webhook delivery", "waiting")
        SENDING = "sending", pgettext_lazy("webhook delivery", "sending")
        RETRYING = "retrying", pgettext_lazy("webhook delivery", "failed, will retry")
        DELIVERED = "delivered", pgettext_lazy("webhook delivery", "delivered")
        FAILED = "failed", pgettext_lazy("webhook delivery", "failed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscription"], name="webhook_delivery_once")
        ]
        indexes = [
            # The retry job: WHERE status IN ('pending', 'retrying', 'sending') ORDER BY id
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=Q(status__in=["pending", "retrying", "sending"]),
                name="webhook_delivery_due_idx",
            ),
            # A subscription's log: WHERE subscription_id = ? ORDER BY created_at DESC
            models.Index(fields=["subscription", "-created_at"], name="webhook_delivery_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id}"


class Attempt(models.Model):
    """One POST to the receiver (with its redirects): the delivery log."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    attempted_at = models.DateTimeField()
    response_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-attempted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} {self.response_code or self.error}"


class DueActivity(models.Model):
    """An activity whose "activity.due" event was emitted for its due time: emitted once,
    again only if it is rescheduled and falls due anew."""

    activity_id = models.BigIntegerField()
    due_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity_id", "due_at"], name="webhook_due_once")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} {self.due_at:%Y-%m-%d %H:%M}"
