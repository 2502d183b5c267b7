"""Delivering one event to one subscription, by the worker: at least once, with retries after
an exponentially growing wait, every attempt in the log, and the subscription switched off
(admins told) after SAMPO_WEBHOOK_MAX_FAILURES failed attempts in a row.

A delivery is claimed with one conditional UPDATE, so two copies of the same task (a worker
restart, the retry job) never both send it; a claim whose worker died is taken again after
the task timeout. A receiver may therefore, rarely, get an event twice: it drops repeats by
the event's id (Sampo-Webhook-Id)."""

from __future__ import annotations

import datetime
import json
import logging
import time

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task

from sampo.api.webhooks import http, signing
from sampo.api.webhooks.models import (
    TEST_EVENT,
    Attempt,
    Delivery,
    DueActivity,
    Event,
    Subscription,
)
from sampo.api.webhooks.services import DELIVER_TASK, _forget_wanted, admins
from sampo.notifications.services import notify

logger = logging.getLogger(__name__)

MAX_BACKOFF = datetime.timedelta(hours=6)
# A pending delivery whose task never came (the queue was down at the commit).
FORGOTTEN_AFTER = datetime.timedelta(minutes=1)


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failed attempt: the base, doubled each time, up to 6 h."""
    base = settings.SAMPO_WEBHOOK_RETRY_BASE_SECONDS
    return min(datetime.timedelta(seconds=base * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _sendable() -> Q:
    return Q(subscription__is_active=True) | Q(event__type=TEST_EVENT)


def _claim(delivery_pk: int, now: datetime.datetime) -> bool:
    abandoned = now - datetime.timedelta(seconds=settings.WORKER_TASK_TIMEOUT)
    claimable = (
        Q(status=Delivery.Status.PENDING)
        | Q(status=Delivery.Status.RETRYING, next_attempt_at__lte=now)
        | Q(status=Delivery.Status.SENDING, claimed_at__lt=abandoned)
    )
    # The status conditions stay in the UPDATE itself: of two concurrent claims, one wins.
    sendable = Delivery.objects.filter(_sendable(), pk=delivery_pk).values("pk")
    claimed = Delivery.objects.filter(claimable, pk=delivery_pk).filter(pk__in=sendable)
    return bool(
        claimed.update(status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def body_of(payload: dict[str, object]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def deliver(delivery_pk: int) -> str:
    now = timezone.now()
    if not _claim(delivery_pk, now):
        return "not due"  # delivered already, another worker has it, or switched off
    delivery = Delivery.objects.select_related("event", "subscription").get(pk=delivery_pk)
    subscription, event = delivery.subscription, delivery.event
    body = body_of(event.payload)
    headers = signing.headers(
        secret=subscription.secret, event_id=str(event.id), timestamp=int(time.time()), body=body
    )
    started = time.monotonic()
    result = http.post(subscription.url, body, headers)
    duration_ms = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        Attempt.objects.create(
            delivery=delivery,
            attempted_at=now,
            response_code=result.status,
            error=result.error[:500],
            duration_ms=duration_ms,
            succeeded=result.ok,
        )
        if result.ok:
            _succeeded(delivery, result.status)
            return "delivered"
        _failed(delivery, result, now)
    logger.warning(
        "Webhook delivery %s to %s failed (attempt %s): %s",
        delivery_pk,
        subscription.url,
        delivery.attempts,
        result.error or result.status,
    )
    return "failed"


def _succeeded(delivery: Delivery, status: int | None) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.DELIVERED,
        response_code=status,
        last_error="",
        delivered_at=timezone.now(),
        next_attempt_at=None,
    )
    Subscription.objects.filter(pk=delivery.subscription_id, consecutive_failures__gt=0).update(
        consecutive_failures=0
    )


def _failed(delivery: Delivery, result: http.Result, now: datetime.datetime) -> None:
    retry = delivery.attempts < settings.SAMPO_WEBHOOK_MAX_ATTEMPTS
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.RETRYING if retry else Delivery.Status.FAILED,
        response_code=result.status,
        last_error=(result.error or f"HTTP {result.status}")[:500],
        next_attempt_at=now + backoff(delivery.attempts) if retry else None,
    )
    Subscription.objects.filter(pk=delivery.subscription_id).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    subscription = Subscription.objects.select_for_update().get(pk=delivery.subscription_id)
    if subscription.is_active and (
        subscription.consecutive_failures >= settings.SAMPO_WEBHOOK_MAX_FAILURES
    ):
        _switch_off(subscription, now)


def _switch_off(subscription: Subscription, now: datetime.datetime) -> None:
    subscription.is_active = False
    subscription.disabled_at = now
    subscription.disabled_reason = f"{subscription.consecutive_failures} failed deliveries in a row"
    subscription.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
    _forget_wanted()
    url = reverse("webhooks:detail", args=[subscription.pk])
    for admin in admins():
        notify(
            recipient=admin,
            kind="webhook_disabled",
            text=_(
                "The webhook “%(name)s” was switched off after %(count)s failed deliveries in "
                "a row. Check the receiver, then switch it on again."
            ),
            params={"name": subscription.name, "count": subscription.consecutive_failures},
            url=url,
        )


def log_prune(*, now: datetime.datetime | None = None) -> int:
    """Events older than SAMPO_WEBHOOK_LOG_DAYS with every delivery settled (delivered or
    given up), with their deliveries and attempts; and the due-activity marks of that age."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.SAMPO_WEBHOOK_LOG_DAYS)
    unsettled = Delivery.objects.filter(
        event=OuterRef("pk"),
        status__in=[Delivery.Status.PENDING, Delivery.Status.SENDING, Delivery.Status.RETRYING],
    )
    old = Event.objects.filter(created_at__lt=cutoff).exclude(Exists(unsettled))
    deleted = 0
    while True:  # in batches: one DELETE never holds a big table long
        batch = list(old.values_list("pk", flat=True)[:1000])
        if not batch:
            break
        Event.objects.filter(pk__in=batch).delete()
        deleted += len(batch)
    DueActivity.objects.filter(due_at__lt=cutoff).delete()
    return deleted


def due_for_retry(now: datetime.datetime) -> list[int]:
    """Retries now due, deliveries whose task never came, and claims of dead workers."""
    abandoned = now - datetime.timedelta(seconds=settings.WORKER_TASK_TIMEOUT)
    due = (
        Q(status=Delivery.Status.RETRYING, next_attempt_at__lte=now)
        | Q(status=Delivery.Status.PENDING, created_at__lt=now - FORGOTTEN_AFTER)
        | Q(status=Delivery.Status.SENDING, claimed_at__lt=abandoned)
    )
    rows = Delivery.objects.filter(due, _sendable())
    return list(rows.order_by("id").values_list("pk", flat=True)[:500])


def deliver_due(now: datetime.datetime | None = None) -> int:
    ids = due_for_retry(now or timezone.now())
    for pk in ids:
        async_task(DELIVER_TASK, pk)
    return len(ids)
