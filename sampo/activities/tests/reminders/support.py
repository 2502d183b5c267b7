"""Helpers of the reminder tests: moments in the users' time zones, and running the send
tasks the jobs queued the way the worker runs them (from the queue's signed package). The
SMTP inbox is the worker tests' own."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils.module_loading import import_string
from django_q.models import OrmQ

from tests.worker.support import SmtpInbox, free_port

__all__ = ["SmtpInbox", "at", "free_port", "run_queued_tasks"]

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
BUDAPEST = zoneinfo.ZoneInfo("Europe/Budapest")
UTC = datetime.UTC


def run_queued_tasks() -> int:
    ran = 0
    for entry in OrmQ.objects.order_by("id"):
        task = entry.task
        import_string(task["func"])(*task["args"], **task["kwargs"])
        entry.delete()
        ran += 1
    return ran


def at(zone: datetime.tzinfo, *moment: int) -> datetime.datetime:
    year, month, day, hour, minute = moment
    return datetime.datetime(year, month, day, hour, minute, tzinfo=zone)
