"""The real thing: `sampo worker` in its own process sends the email to a real SMTP server, on
the database queue and on Redis, and a task delivered twice sends it once."""

from __future__ import annotations

import pytest
from django_q.tasks import async_task

from sampo.mail import services
from sampo.mail.models import Message
from tests.worker.support import Sampo, SmtpInbox, TaskQueue, wait_until


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_sends_the_email_once_even_when_its_task_comes_twice(
    sampo: Sampo, queue: TaskQueue, inbox: SmtpInbox, seller, customer
) -> None:
    message = services.email_send(
        actor=seller, person=customer, subject="Tarjous", body="Hei Maija, tässä tarjous."
    )
    async_task("sampo.mail.tasks.send_message", message.pk)  # as a retry job racing the first
    assert queue.waiting() == 2
    assert inbox.mails == []

    sampo.worker()
    [mail] = inbox.wait_for_mails(1, details=sampo.logs)

    assert mail.message["Message-ID"] == f"<{message.message_id}>"
    assert mail.message["Subject"] == "Tarjous"
    wait_until(
        lambda: queue.waiting() == queue.in_progress() == 0,
        timeout=20,
        what="both tasks to be done",
        details=sampo.logs,
    )
    assert len(inbox.mails) == 1
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
