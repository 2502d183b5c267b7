"""Email out: rendered in the recipient's language, sent by the background worker after the
surrounding transaction commits, so a rolled-back change sends nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_q.tasks import async_task


def queue_email(
    *,
    to: list[str],
    subject_template: str,
    body_template: str,
    context: dict,
    language: str,
    html_template: str | None = None,
) -> None:
    with translation.override(language):
        subject = "".join(render_to_string(subject_template, context).splitlines()).strip()
        body = render_to_string(body_template, context)
        html = render_to_string(html_template, context) if html_template else None
    transaction.on_commit(
        lambda: async_task(
            "sampo.lib.mail.send_email", to=to, subject=subject, body=body, html=html
        )
    )


def send_email(*, to: list[str], subject: str, body: str, html: str | None = None) -> int:
    """The worker's task. Raises on an SMTP failure, so the queue tries again."""
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
