"""Background entry points of email. Each is idempotent and safe to run twice."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_q.tasks import async_task

from sampo.mail import imap, sending

logger = logging.getLogger(__name__)


def send_message(message_pk: int) -> str:
    return sending.deliver(message_pk)


def retry_due_emails() -> int:
    due = sending.due_for_retry(timezone.now())
    for pk in due:
        async_task(sending.SEND_TASK, pk)
    return len(due)


def fetch_mailbox() -> int:
    """The IMAP poll; does nothing when SAMPO_IMAP_HOST is not set."""
    result = imap.fetch_new()
    if result.seen:
        logger.info(
            "IMAP: %d new, %d already stored, %d not imported",
            result.stored,
            result.duplicates,
            result.refused,
        )
    return result.stored
