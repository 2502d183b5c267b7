"""Helpers of the reminder tests: moments in the users' time zones, and running the send
tasks the jobs queued the way the worker runs them (from the queue's signed package)."""

from __future__ import annotations

import datetime
import email
import socket
import threading
import zoneinfo
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from typing import Any

from django.utils.module_loading import import_string
from django_q.models import OrmQ

HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
BUDAPEST = zoneinfo.ZoneInfo("Europe/Budapest")
UTC = datetime.UTC


@dataclass(frozen=True)
class ReceivedMail:
    envelope_to: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None, "the email has no plain-text part"
        return str(part.get_content())

    @property
    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        assert part is not None, "the email has no HTML part"
        return str(part.get_content())


class SmtpInbox:
    """The aiosmtpd handler (as in tests/worker, whose module mypy does not check)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mails: list[ReceivedMail] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self._mails.append(ReceivedMail(list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    @property
    def mails(self) -> list[ReceivedMail]:
        with self._lock:
            return list(self._mails)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
