"""Fixtures of the reminder tests: a real SMTP server the emails go to, and a way to run a
periodic job at a given moment followed by the send tasks it queued."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from sampo.activities.tests.reminders.support import SmtpInbox, free_port, run_queued_tasks


@pytest.fixture
def inbox(settings: Any) -> Iterator[SmtpInbox]:
    controller = Controller(SmtpInbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield controller.handler
    controller.stop()


@pytest.fixture
def run_job(django_capture_on_commit_callbacks: Any) -> Callable[..., int]:
    """Run a periodic job at `now`, then the send tasks it queued, as a worker would."""

    def run(job: Callable[..., int], now: datetime.datetime, *, send: bool = True) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            decided = job(now=now)
        if send:
            run_queued_tasks()
        return decided

    return run
