"""Sending: logged on the timeline at once, sent by the worker's task through a real SMTP
server (aiosmtpd), with threading headers; failures are kept, retried, and never sent twice."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_q.models import OrmQ

from sampo.mail import sending, services, tasks
from sampo.mail.models import Message
from sampo.mail.tests import samples
from tests.worker.support import free_port


@pytest.fixture
def smtp(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = smtp_server.hostname
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Sampo CRM <crm@sampo.example>"
    return smtp_server


def send(seller, customer, **kwargs):
    values = {"subject": "Tarjous", "body": "Hei Maija,\n\ntässä tarjous.", **kwargs}
    return services.email_send(actor=seller, person=customer, **values)


def test_it_logs_the_email_on_the_timeline_and_queues_it_after_commit(
    seller, customer, organization, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        message = send(seller, customer)

    assert message.status == "queued"
    assert message.direction == "out"
    assert message.activity.type.code == "email"
    assert list(message.activity.people.all()) == [customer]
    assert message.activity.organization == organization
    assert len(callbacks) == 1  # the task is queued only once the transaction commits


def test_the_worker_task_sends_it_through_smtp_with_its_message_id(
    smtp, inbox, seller, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        message = send(seller, customer)

    assert tasks.send_message(message.pk) == "sent"

    [mail] = inbox.wait_for_mails(1)
    assert mail.envelope_to == ["maija.lehtonen@virtanen.example"]
    assert mail.message["Message-ID"] == f"<{message.message_id}>"
    assert mail.message["Subject"] == "Tarjous"
    assert mail.message["From"] == "Mikko Myyjä <crm@sampo.example>"
    assert mail.body.splitlines() == ["Hei Maija,", "", "tässä tarjous."]
    html = mail.message.get_body(preferencelist=("html",)).get_content()
    assert "<p>Hei Maija,</p>" in html
    message.refresh_from_db()
    assert message.status == "sent"
    assert message.raw_size > 0


def test_a_reply_carries_in_reply_to_and_references(
    smtp, inbox, seller, customer, django_capture_on_commit_callbacks
):
    received = services.email_receive(
        raw_bytes=samples.simple(
            message_id="<q2@virtanen.example>", references="<q1@virtanen.example>"
        )
    ).message
    with django_capture_on_commit_callbacks(execute=False):
        reply = send(seller, customer, subject="Re: Tarjouspyyntö", reply_to=received)

    tasks.send_message(reply.pk)

    [mail] = inbox.wait_for_mails(1)
    assert mail.message["In-Reply-To"] == "<q2@virtanen.example>"
    assert mail.message["References"] == "<q1@virtanen.example> <q2@virtanen.example>"
    assert reply.thread_id == received.thread_id


def test_a_message_is_sent_once_however_often_its_task_runs(
    smtp, inbox, seller, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        message = send(seller, customer)

    results = [tasks.send_message(message.pk) for _ in range(3)]

    assert results == ["sent", "not due", "not due"]
    inbox.wait_for_mails(1)
    assert len(inbox.mails) == 1


def test_a_failed_send_is_kept_visible_and_retried_later(
    settings, smtp_server, inbox, seller, customer, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    with django_capture_on_commit_callbacks(execute=False):
        message = send(seller, customer)

    assert tasks.send_message(message.pk) == "failed"

    message.refresh_from_db()
    assert message.status == "failed"
    assert message.attempts == 1
    assert message.last_error
    assert message.next_attempt_at > timezone.now()
    assert sending.due_for_retry(timezone.now()) == []
    # The relay is back, and the time for the next try has come.
    settings.EMAIL_HOST, settings.EMAIL_PORT = smtp_server.hostname, smtp_server.port
    later = message.next_attempt_at + datetime.timedelta(seconds=1)
    assert sending.due_for_retry(later) == [message.pk]
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    OrmQ.objects.all().delete()
    assert tasks.retry_due_emails() == 1
    assert OrmQ.objects.count() == 1  # the send task, queued again
    assert tasks.send_message(message.pk) == "sent"
    inbox.wait_for_mails(1)


def test_a_send_abandoned_by_a_dead_worker_is_taken_again(
    smtp, inbox, seller, customer, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        message = send(seller, customer)
    claimed = timezone.now() - datetime.timedelta(seconds=settings.WORKER_TASK_TIMEOUT + 1)
    Message.objects.filter(pk=message.pk).update(status="sending", claimed_at=claimed)

    assert tasks.send_message(message.pk) == "sent"
    inbox.wait_for_mails(1)


def test_a_send_another_worker_is_busy_with_is_left_alone(
    smtp, inbox, seller, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        message = send(seller, customer)
    Message.objects.filter(pk=message.pk).update(status="sending", claimed_at=timezone.now())

    assert tasks.send_message(message.pk) == "not due"
    assert inbox.mails == []


def test_retrying_by_hand_needs_a_failed_email(
    seller, customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        message = send(seller, customer)

    with pytest.raises(ValidationError):
        services.email_retry(actor=seller, message=message)

    Message.objects.filter(pk=message.pk).update(status="failed", next_attempt_at=None)
    with django_capture_on_commit_callbacks() as callbacks:
        services.email_retry(actor=seller, message=message)
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == "queued"


def test_it_refuses_to_send_without_an_address_or_the_right(seller, viewer, customer):
    with pytest.raises(PermissionDenied):
        send(viewer, customer)
    customer.email = ""
    with pytest.raises(ValidationError):
        send(seller, customer)
    assert Message.objects.count() == 0
