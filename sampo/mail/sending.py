"""Sending an email through SMTP from the worker, exactly once per message as far as SMTP
allows: the task claims the message with one conditional UPDATE, so two deliveries of the same
task (a worker restart, a retry job) never both send it. A claim whose worker died (older than
the task timeout) may be taken again; the resend keeps its Message-ID, so the recipient's mail
system sees the same message."""

from __future__ import annotations

import datetime
import logging
import smtplib
from email.utils import format_datetime, formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import linebreaks
from django_q.tasks import async_task

from sampo.mail.models import Message

logger = logging.getLogger(__name__)

SEND_TASK = "sampo.mail.tasks.send_message"
MAX_ATTEMPTS = 6


def enqueue(message_pk: int) -> None:
    """After the surrounding transaction commits: a rolled-back email is never sent."""
    transaction.on_commit(lambda: async_task(SEND_TASK, message_pk))


def backoff(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(minutes=2**attempts)


def _claim(message_pk: int, now: datetime.datetime) -> bool:
    abandoned = now - datetime.timedelta(seconds=settings.WORKER_TASK_TIMEOUT)
    claimable = (
        Q(status=Message.Status.QUEUED)
        | Q(status=Message.Status.FAILED, next_attempt_at__lte=now)
        | Q(status=Message.Status.SENDING, claimed_at__lt=abandoned)
    )
    return bool(
        Message.objects.filter(
            claimable, pk=message_pk, direction=Message.Direction.OUTGOING
        ).update(status=Message.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )


def _brackets(ids: str) -> str:
    return " ".join(f"<{i}>" for i in ids.split())


def build(message: Message) -> EmailMultiAlternatives:
    participants = list(message.participants.all())
    headers = {"Message-ID": f"<{message.message_id}>", "Date": format_datetime(message.date)}
    if message.in_reply_to:
        headers["In-Reply-To"] = f"<{message.in_reply_to}>"
        headers["References"] = _brackets(message.references)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.text_body,
        from_email=formataddr((message.from_name, message.from_address)),
        to=[formataddr((p.name, p.address)) for p in participants if p.role == "to"],
        cc=[formataddr((p.name, p.address)) for p in participants if p.role == "cc"],
        reply_to=[settings.MAIL_REPLY_TO] if settings.MAIL_REPLY_TO else None,
        headers=headers,
    )
    # The HTML part is the text, escaped: nothing in a merge field becomes markup.
    email.attach_alternative(linebreaks(message.text_body, autoescape=True), "text/html")
    return email


def deliver(message_pk: int) -> str:
    now = timezone.now()
    if not _claim(message_pk, now):
        return "not due"  # sent already, or another worker has it
    message = Message.objects.get(pk=message_pk)
    message.date = now
    email = build(message)
    try:
        email.send()
    except (smtplib.SMTPException, OSError) as error:
        retry = message.attempts < MAX_ATTEMPTS
        Message.objects.filter(pk=message_pk).update(
            status=Message.Status.FAILED,
            last_error=str(error)[:2000] or error.__class__.__name__,
            next_attempt_at=now + backoff(message.attempts) if retry else None,
        )
        logger.warning(
            "Sending email %s failed (attempt %s): %s", message_pk, message.attempts, error
        )
        return "failed"
    Message.objects.filter(pk=message_pk).update(
        status=Message.Status.SENT,
        date=now,
        raw_size=len(email.message().as_bytes()),
        last_error="",
        next_attempt_at=None,
    )
    return "sent"


def due_for_retry(now: datetime.datetime) -> list[int]:
    """Failed emails whose next try is due, and queued ones whose task never came (the queue
    was down when they were saved)."""
    abandoned = now - datetime.timedelta(seconds=settings.WORKER_TASK_TIMEOUT)
    forgotten = now - datetime.timedelta(minutes=5)
    due = (
        Q(status=Message.Status.FAILED, next_attempt_at__lte=now)
        | Q(status=Message.Status.QUEUED, created_at__lt=forgotten)
        | Q(status=Message.Status.SENDING, claimed_at__lt=abandoned)
    )
    rows = Message.objects.filter(due, direction=Message.Direction.OUTGOING)
    return list(rows.order_by("id").values_list("pk", flat=True)[:500])
