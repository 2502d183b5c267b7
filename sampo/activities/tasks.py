"""Background entry points of reminders. The periodic jobs take `now` so that tests can run
them at any moment; the worker calls them without arguments. Each is idempotent."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from sampo.activities import reminders

logger = logging.getLogger(__name__)


def send_due_reminders(now: datetime.datetime | None = None) -> int:
    """Every minute: reminders of timed follow-ups now due, and sends lost in a crash."""
    now = now or timezone.now()
    decided = reminders.remind_due_activities(now=now)
    reminders.queue_lost_sends(now=now)
    if decided:
        logger.info("Reminding of %d due activities", decided)
    return decided


def send_overdue_alerts(now: datetime.datetime | None = None) -> int:
    decided = reminders.alert_overdue_activities(now=now or timezone.now())
    if decided:
        logger.info("Alerting team leaders of %d overdue activities", decided)
    return decided


def send_morning_digests(now: datetime.datetime | None = None) -> int:
    decided = reminders.queue_morning_digests(now=now or timezone.now())
    if decided:
        logger.info("Queued %d morning summaries", decided)
    return decided


def send_reminder(reminder_id: int) -> bool:
    return reminders.send_reminder(reminder_id)
