"""Delivery to a real receiver on localhost, run in this process: signed, logged, retried
after a growing wait, and a subscription that keeps failing is switched off with a notice."""

from __future__ import annotations

import datetime
import json
import time
from typing import Any

import pytest
from django.utils import timezone

from sampo.accounts.models import User
from sampo.api.webhooks import delivery, services, signing
from sampo.api.webhooks.models import Attempt, Delivery, Subscription
from sampo.contacts import services as contacts
from sampo.notifications.models import Notification
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscription(admin: User, receiver: Receiver) -> Subscription:
    created = services.subscription_create(
        actor=admin,
        name="ERP",
        url=f"{receiver.url}/hook",
        event_types=["organization.created"],
    )
    receiver.secret = created.secret
    return created


def _emit(admin: User, name: str = "Rakennus Virtanen Oy") -> Delivery:
    contacts.organization_create(actor=admin, values={"name": name})
    return Delivery.objects.latest("id")


def test_it_posts_the_signed_event_and_logs_it(admin: User, subscription, receiver) -> None:
    pending = _emit(admin)

    assert delivery.deliver(pending.pk) == "delivered"

    [request] = receiver.received()
    assert request.signature_ok
    assert request.headers["Sampo-Webhook-Id"] == str(pending.event_id)
    assert request.headers["Content-Type"] == "application/json"
    assert abs(int(request.headers["Sampo-Webhook-Timestamp"]) - time.time()) < 60
    assert request.payload == pending.event.payload
    assert request.payload["data"]["name"] == "Rakennus Virtanen Oy"
    done = Delivery.objects.get(pk=pending.pk)
    assert (done.status, done.response_code, done.attempts) == ("delivered", 200, 1)
    assert Attempt.objects.get().succeeded


def test_a_wrong_secret_fails_the_receivers_check(admin: User, subscription, receiver) -> None:
    receiver.secret = signing.new_secret()

    delivery.deliver(_emit(admin).pk)

    assert not receiver.received()[0].signature_ok


def test_it_delivers_once_even_if_the_task_comes_twice(admin: User, subscription, receiver):
    pending = _emit(admin)

    assert delivery.deliver(pending.pk) == "delivered"
    assert delivery.deliver(pending.pk) == "not due"

    assert len(receiver.received()) == 1


def test_it_retries_a_failure_after_a_growing_wait(
    admin: User, subscription, receiver, settings
) -> None:
    settings.SAMPO_WEBHOOK_RETRY_BASE_SECONDS = 30
    receiver.statuses = [500, 503]
    pending = _emit(admin)

    assert delivery.deliver(pending.pk) == "failed"
    first = Delivery.objects.get(pk=pending.pk)
    assert first.status == Delivery.Status.RETRYING
    assert first.response_code == 500
    assert delivery.deliver(pending.pk) == "not due"  # not before its time
    assert delivery.due_for_retry(timezone.now()) == []
    later = first.next_attempt_at
    assert later is not None
    assert later - timezone.now() > datetime.timedelta(seconds=25)
    assert delivery.due_for_retry(later) == [pending.pk]

    Delivery.objects.filter(pk=pending.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver(pending.pk) == "failed"
    second = Delivery.objects.get(pk=pending.pk)
    assert second.next_attempt_at - timezone.now() > datetime.timedelta(seconds=55)

    Delivery.objects.filter(pk=pending.pk).update(next_attempt_at=timezone.now())
    assert delivery.deliver(pending.pk) == "delivered"
    assert [r.status for r in receiver.received()] == [500, 503, 200]
    assert len({r.headers["Sampo-Webhook-Id"] for r in receiver.received()}) == 1
    assert list(receiver.processed) == [str(pending.event_id)]  # the repeats were dropped


def test_the_backoff_doubles_up_to_a_limit(settings) -> None:
    settings.SAMPO_WEBHOOK_RETRY_BASE_SECONDS = 60
    waits = [delivery.backoff(n).total_seconds() for n in (1, 2, 3, 4)]

    assert waits == [60, 120, 240, 480]
    assert delivery.backoff(30) == delivery.MAX_BACKOFF


def test_it_gives_up_a_delivery_after_the_last_attempt(admin, subscription, receiver, settings):
    settings.SAMPO_WEBHOOK_MAX_ATTEMPTS = 2
    receiver.statuses = [500, 500]
    pending = _emit(admin)

    delivery.deliver(pending.pk)
    Delivery.objects.filter(pk=pending.pk).update(next_attempt_at=timezone.now())
    delivery.deliver(pending.pk)

    given_up = Delivery.objects.get(pk=pending.pk)
    assert (given_up.status, given_up.next_attempt_at) == (Delivery.Status.FAILED, None)
    assert Attempt.objects.filter(delivery=given_up).count() == 2


def test_it_switches_off_a_failing_subscription_and_tells_the_admins(
    admin: User, seller: User, subscription, receiver, settings
) -> None:
    settings.SAMPO_WEBHOOK_MAX_FAILURES = 3
    receiver.statuses = [500] * 10

    for name in ("Yksi Oy", "Kaksi Oy"):
        delivery.deliver(_emit(admin, name).pk)
    assert Subscription.objects.get(pk=subscription.pk).is_active
    delivery.deliver(_emit(admin, "Kolme Oy").pk)

    switched_off = Subscription.objects.get(pk=subscription.pk)
    assert not switched_off.is_active
    assert switched_off.consecutive_failures == 3
    notice = Notification.objects.get(kind="webhook_disabled")
    assert notice.recipient == admin
    assert "ERP" in notice.text
    assert notice.url == f"/admin/webhooks/{subscription.pk}/"
    assert not Notification.objects.filter(recipient=seller).exists()
    # Off: new events are not even written for it, and waiting retries are not sent.
    contacts.organization_create(actor=admin, values={"name": "Neljä Oy"})
    assert Delivery.objects.count() == 3
    Delivery.objects.update(next_attempt_at=timezone.now())
    assert delivery.due_for_retry(timezone.now()) == []
    assert [delivery.deliver(d.pk) for d in Delivery.objects.all()] == ["not due"] * 3
    assert len(receiver.received()) == 3


def test_a_success_resets_the_count_of_failures(admin, subscription, receiver) -> None:
    receiver.statuses = [500]
    delivery.deliver(_emit(admin, "Yksi Oy").pk)
    assert Subscription.objects.get(pk=subscription.pk).consecutive_failures == 1

    delivery.deliver(_emit(admin, "Kaksi Oy").pk)

    assert Subscription.objects.get(pk=subscription.pk).consecutive_failures == 0


def test_switching_on_again_retries_what_was_waiting(admin, subscription, receiver) -> None:
    receiver.statuses = [500]
    pending = _emit(admin)
    delivery.deliver(pending.pk)
    services.subscription_disable(actor=admin, subscription=subscription)
    assert delivery.due_for_retry(timezone.now() + datetime.timedelta(days=1)) == []

    services.subscription_enable(actor=admin, subscription=subscription)

    assert delivery.due_for_retry(timezone.now()) == [pending.pk]
    assert delivery.deliver(pending.pk) == "delivered"


def test_a_test_event_reaches_even_a_switched_off_subscription(admin, subscription, receiver):
    services.subscription_disable(actor=admin, subscription=subscription)

    event = services.subscription_send_test(actor=admin, subscription=subscription)
    assert delivery.deliver(Delivery.objects.get(event=event).pk) == "delivered"

    [request] = receiver.received()
    body: dict[str, Any] = json.loads(request.body)
    assert body["type"] == "webhook.test"
    assert request.signature_ok


def test_a_refused_address_is_logged_as_a_failure(admin: User, receiver, settings) -> None:
    subscription = services.subscription_create(
        actor=admin, name="ERP", url=f"{receiver.url}/hook", event_types=["organization.created"]
    )
    settings.SAMPO_WEBHOOK_ALLOWED_HOSTS = []  # the server's admin took the permission back

    pending = _emit(admin)
    assert delivery.deliver(pending.pk) == "failed"

    assert receiver.received() == []
    assert Delivery.objects.get(pk=pending.pk).last_error.startswith("refused")
    assert subscription.deliveries.count() == 1


def test_it_prunes_settled_events_past_the_log_days(admin, subscription, receiver, settings):
    settings.SAMPO_WEBHOOK_LOG_DAYS = 30
    receiver.statuses = [200, 500]
    settled, waiting = _emit(admin, "Yksi Oy"), _emit(admin, "Kaksi Oy")
    delivery.deliver(settled.pk)
    delivery.deliver(waiting.pk)  # failed, will retry

    assert delivery.log_prune(now=timezone.now() + datetime.timedelta(days=29)) == 0
    assert delivery.log_prune(now=timezone.now() + datetime.timedelta(days=31)) == 1

    assert list(Delivery.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert not Attempt.objects.filter(delivery_id=settled.pk).exists()
