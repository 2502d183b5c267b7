"""A real worker delivers a webhook to a real receiver on localhost: the receiver checks the
signature, answers 500 the first time, gets the same event again after the backoff, and drops
the repeat by its id. On the database queue and on Redis."""

from __future__ import annotations

import time

import pytest
from django_q.tasks import async_task

from conftest import make_user
from sampo.accounts.models import Role
from sampo.api.webhooks import services
from sampo.api.webhooks.models import Attempt, Delivery
from sampo.contacts import services as contacts
from tests.webhooks.receiver import Receiver
from tests.worker.support import Sampo, TaskQueue, wait_until

RETRY_JOB = "sampo.api.webhooks.tasks.deliver_due"
BACKOFF_SECONDS = 2


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_delivers_a_signed_event_again_after_a_failure(
    sampo: Sampo, queue: TaskQueue, receiver: Receiver
) -> None:
    admin = make_user("anna@sampo.test", "Anna Admin", Role.ADMIN)
    subscription = services.subscription_create(
        actor=admin, name="ERP", url=f"{receiver.url}/hook", event_types=["organization.created"]
    )
    receiver.secret = subscription.secret
    receiver.statuses = [500]
    sampo.start(
        "worker",
        "worker",
        env={
            "SAMPO_WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
            "SAMPO_WEBHOOK_RETRY_BASE_SECONDS": str(BACKOFF_SECONDS),
        },
    )

    organization = contacts.organization_create(
        actor=admin, values={"name": "Rakennus Virtanen Oy"}
    )

    [first] = wait_until(
        lambda: receiver.received() or None,
        timeout=30,
        what="the first delivery",
        details=sampo.logs,
    )
    retrying = wait_until(
        lambda: Delivery.objects.filter(status=Delivery.Status.RETRYING).first(),
        timeout=20,
        what="the failed delivery to wait for its retry",
        details=sampo.logs,
    )
    assert retrying.response_code == 500
    assert retrying.next_attempt_at is not None
    # The retry job, as the worker's schedule runs it every minute, once the wait is over.
    time.sleep(max(0.0, retrying.next_attempt_at.timestamp() - time.time()) + 0.2)
    async_task(RETRY_JOB)
    wait_until(
        lambda: len(receiver.received()) >= 2 or None,
        timeout=30,
        what="the retried delivery",
        details=sampo.logs,
    )
    wait_until(
        lambda: Delivery.objects.filter(status=Delivery.Status.DELIVERED).exists() or None,
        timeout=20,
        what="the delivery to be marked delivered",
        details=sampo.logs,
    )

    first, second = receiver.received()[:2]
    assert (first.status, second.status) == (500, 200)
    assert first.signature_ok
    assert second.signature_ok
    assert second.at - first.at >= BACKOFF_SECONDS
    event_id = first.headers["Sampo-Webhook-Id"]
    assert second.headers["Sampo-Webhook-Id"] == event_id
    assert list(receiver.processed) == [event_id]  # the repeat was dropped
    payload = receiver.processed[event_id]
    assert payload["type"] == "organization.created"
    assert payload["data"]["id"] == organization.pk
    assert Attempt.objects.count() == 2
    assert len(receiver.received()) == 2
