"""Background entry points of web forms, idempotent."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from sampo.sales.webforms.fields import answers
from sampo.sales.webforms.models import Submission


def send_confirmation(submission_id: int) -> bool:
    """Email the visitor that their message arrived, in the language they used. Sent once: the
    row is locked and marked in the same transaction as the send, so a second run (a retried
    task) finds it marked; an SMTP failure raises, rolls back the mark and the queue retries."""
    with transaction.atomic():
        submission = (
            Submission.objects.select_for_update()
            .select_related("web_form")
            .filter(pk=submission_id, confirmation_sent_at__isnull=True)
            .first()
        )
        if submission is None or not submission.data.get("email"):
            return False
        web_form = submission.web_form
        with translation.override(submission.language):
            context = {
                "submission": submission,
                "web_form": web_form,
                "answers": answers(web_form, submission.data, submission.language),
            }
            subject_text = render_to_string(
                "sales/webforms/email/confirmation_subject.txt", context
            )
            subject = " ".join(subject_text.split())
            body = render_to_string("sales/webforms/email/confirmation_body.txt", context)
        EmailMultiAlternatives(
            subject, body, settings.DEFAULT_FROM_EMAIL, [submission.data["email"]]
        ).send()
        submission.confirmation_sent_at = timezone.now()
        submission.save(update_fields=["confirmation_sent_at"])
    return True
