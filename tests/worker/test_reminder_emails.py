"""The reminder job run by a real worker process: it decides, queues the email, and the worker
sends it to a real SMTP server, in the assignee's language; run again, it sends nothing more.
On the database queue and on Redis."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.utils import timezone
from django_q.models import Task
from django_q.tasks import async_task

from sampo.accounts.models import Role, User
from sampo.activities import services
from sampo.activities.models import ActivityType, Reminder
from sampo.notifications.models import Notification
from tests.worker.support import Sampo, SmtpInbox, TaskQueue, wait_until

JOB = "sampo.activities.tasks.send_due_reminders"
SEND = "sampo.activities.tasks.send_reminder"


def _succeeded(func: str) -> int:
    return Task.objects.filter(func=func, success=True).count()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_sends_a_due_reminder_once_in_the_assignees_language(
    sampo: Sampo, queue: TaskQueue, inbox: SmtpInbox
) -> None:
    seller = User.objects.create_user(
        "kaisa@sampo.test",
        "a password",
        name="Kaisa Kauppias",
        role=Role.objects.get(code=Role.SALESPERSON),
        language="fi",
        time_zone="Europe/Helsinki",
    )
    minute_ago = timezone.now().astimezone(zoneinfo.ZoneInfo("Europe/Helsinki")) - (
        datetime.timedelta(minutes=1)
    )
    services.activity_schedule(
        actor=seller,
        type=ActivityType.objects.get(code="call"),
        subject="Soita Rakennus Virtaselle",
        day=minute_ago.date(),
        time=minute_ago.time().replace(second=0, microsecond=0),
    )
    async_task(JOB)
    sampo.worker()

    [mail] = inbox.wait_for_mails(1, details=sampo.logs)
    assert mail.envelope_to == ["kaisa@sampo.test"]
    assert mail.message["Subject"] == "Muistutus: Soita Rakennus Virtaselle"
    assert "Tämän jatkotoimenpiteen aika on nyt:" in mail.body
    wait_until(
        lambda: Reminder.objects.filter(sent_at__isnull=False, emailed=True).count() == 1,
        timeout=20,
        what="the reminder to be marked sent",
        details=sampo.logs,
    )
    assert Notification.objects.get(recipient=seller).text == (
        "Erääntyy nyt: Soita Rakennus Virtaselle"
    )

    # The job again (the worker's own every-minute schedule may run it too): nothing more.
    runs = _succeeded(JOB)
    async_task(JOB)
    wait_until(
        lambda: _succeeded(JOB) > runs and queue.waiting() == queue.in_progress() == 0,
        timeout=30,
        what="the second run of the job",
        details=sampo.logs,
    )
    assert len(inbox.mails) == 1
    assert _succeeded(SEND) == 1
    assert Notification.objects.filter(recipient=seller).count() == 1
