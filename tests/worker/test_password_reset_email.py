"""A task enqueued by a web request is run by a separate worker process: the password reset
email, from the form over HTTP to a real SMTP server, on the database queue and on Redis."""

from __future__ import annotations

import re

import pytest
from django_q.models import Schedule, Task

from sampo.accounts.models import Role, User
from tests.worker.support import Browser, Sampo, SmtpInbox, TaskQueue, wait_until

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def request_password_reset(browser: Browser, email: str) -> None:
    form = browser.get("/password/reset/")
    assert form.status == 200
    token = CSRF_FIELD.search(form.text)
    assert token, "the reset form has no CSRF token"
    sent = browser.post("/password/reset/", {"csrfmiddlewaretoken": token.group(1), "email": email})
    assert (sent.status, sent.location) == (302, "/password/reset/sent/")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_sends_the_password_reset_email_from_the_worker_not_the_web_process(
    sampo: Sampo, queue: TaskQueue, inbox: SmtpInbox
) -> None:
    user = User.objects.create_user(
        "reetta@sampo.test",
        "an old password nobody remembers",
        name="Reetta Resetoija",
        role=Role.objects.get(code=Role.SALESPERSON),
        language="en",
    )
    web = sampo.serve()

    request_password_reset(Browser(web.url), user.email)

    # The web process only queued the email.
    assert inbox.mails == []
    assert queue.waiting() == 1
    assert not Schedule.objects.filter(name="sampo:purge-trash").exists()

    sampo.worker()
    [mail] = inbox.wait_for_mails(1, details=sampo.logs)

    assert mail.envelope_to == ["reetta@sampo.test"]
    assert mail.message["To"] == "reetta@sampo.test"
    assert mail.message["Subject"] == "Choose a new Sampo password"
    assert "Hello Reetta Resetoija," in mail.body
    link = re.search(rf"{re.escape(web.url)}/password/reset/[\w-]+/[\w-]+/", mail.body)
    assert link, mail.body
    browser = Browser(web.url)
    opened = browser.get(link.group(0))
    assert opened.status == 302
    assert re.fullmatch(r"/password/reset/[\w-]+/set-password/", opened.location)
    assert 'name="new_password1"' in browser.get(opened.location).text
    # Done and acknowledged: never sent twice.
    wait_until(
        lambda: queue.waiting() == queue.in_progress() == 0,
        timeout=10,
        what="the task to be acknowledged",
        details=sampo.logs,
    )
    assert Task.objects.filter(func="sampo.lib.mail.send_email", success=True).count() == 1
    # The worker wrote the periodic jobs when it started.
    assert Schedule.objects.filter(name="sampo:purge-trash").exists()
