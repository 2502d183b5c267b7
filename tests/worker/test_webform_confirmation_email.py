"""A visitor posts a web form (the snippet's plain HTML post, no CSRF token) to a running
`sampo serve`; the lead is created and assigned at once, and a separate worker emails the
visitor a confirmation in the language of the form, once. On the database queue and on Redis."""

from __future__ import annotations

import pytest
from django_q.models import Task

from sampo.sales.tests.capture_fixtures import *  # noqa: F403
from sampo.sales.webforms import services
from sampo.sales.webforms.models import Submission
from tests.worker.support import Browser, Sampo, SmtpInbox, TaskQueue, wait_until

SEND = "sampo.sales.webforms.tasks.send_confirmation"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_emails_the_visitor_a_confirmation_in_the_forms_language(
    sampo: Sampo, queue: TaskQueue, inbox: SmtpInbox, admin, demo_form, demo_rule, cloud
) -> None:
    services.web_form_update(
        actor=admin,
        web_form=demo_form,
        values={"send_confirmation": True, "thank_you_message": "Kiitos! Soitamme huomenna."},
        expected_version=None,
    )
    web = sampo.serve()
    sampo.worker()

    sent = Browser(web.url).post(
        f"/forms/{demo_form.key}/",
        {
            "lang": "fi",
            "contact_name": "Kaisa Kauppias",
            "email": "kaisa@asiakas.example",
            "product_interest": "sampo-cloud",
            "country": "FI",
        },
    )

    assert sent.status == 303, sent.text
    submission = Submission.objects.get()
    assert submission.lead is not None
    assert submission.lead.owner.name == "Aino Aalto"
    [mail] = inbox.wait_for_mails(1, details=sampo.logs)
    assert mail.envelope_to == ["kaisa@asiakas.example"]
    assert mail.message["Subject"] == "Saimme viestisi: Request a demo"
    assert "Kiitos! Soitamme huomenna." in mail.body
    assert submission.reference in mail.body
    assert "Suomi" in mail.body  # the country, by its name in Finnish
    wait_until(
        lambda: Submission.objects.filter(confirmation_sent_at__isnull=False).exists(),
        timeout=20,
        what="the submission to be marked confirmed",
        details=sampo.logs,
    )
    # Run again (a retried task): nothing more is sent.
    from django_q.tasks import async_task

    async_task(SEND, submission.pk)
    wait_until(
        lambda: (
            Task.objects.filter(func=SEND, success=True).count() == 2
            and queue.waiting() == queue.in_progress() == 0
        ),
        timeout=30,
        what="the second run of the send task",
        details=sampo.logs,
    )
    assert len(inbox.mails) == 1
