"""Web forms: designing them (admins) and what happens to a visitor's post.

A post that passes the checks is first stored as a `Submission` in its own transaction, so it
is never lost; then, in a second transaction, the lead is created, assigned and announced. If
that fails the submission is marked failed with the error, an admin sees it and can retry;
the visitor has been thanked either way, since what they sent is kept.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from sampo.accounts.access import require_admin
from sampo.accounts.models import User
from sampo.core import named_types, records
from sampo.sales import services as sales
from sampo.sales.assignment import services as assignment
from sampo.sales.models import LeadSource, Opportunity, ProductInterest
from sampo.sales.webforms.models import Submission, WebForm

logger = logging.getLogger(__name__)

CONFIRMATION_TASK = "sampo.sales.webforms.tasks.send_confirmation"
WEB_FORM_M2M = ("tags",)
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
# What a new form asks until the admin changes it.
DEFAULT_FIELDS = [
    {"name": "contact_name", "required": True, "labels": {}},
    {"name": "company_name", "required": False, "labels": {}},
    {"name": "email", "required": True, "labels": {}},
    {"name": "phone", "required": False, "labels": {}},
    {"name": "description", "required": False, "labels": {}},
]


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# --- Admin ----------------------------------------------------------------------------------


def _clean_fields(specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned: list[dict[str, Any]] = []
    for spec in specs:
        name = spec.get("name")
        if name not in WebForm.FIELD_LABELS or name in {s["name"] for s in cleaned}:
            raise ValidationError(_("Unknown or repeated field: %(name)s") % {"name": name})
        labels = {
            code: " ".join(str(text).split())[:120]
            for code, text in (spec.get("labels") or {}).items()
            if code in LANGUAGE_CODES and str(text).strip()
        }
        cleaned.append({"name": name, "required": bool(spec.get("required")), "labels": labels})
    if not {"email", "phone"} & {s["name"] for s in cleaned}:
        raise ValidationError(
            {"fields": _("Ask for an email address or a phone number, to reach the visitor.")}
        )
    return cleaned


def _clean_origins(text: str) -> str:
    origins = []
    for line in text.split():
        parts = urlsplit(line.strip())
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path not in ("", "/")
        ):
            raise ValidationError(
                {
                    "allowed_origins": _(
                        "Enter one website a line, as https://www.example.com (no path)."
                    )
                }
            )
        origins.append(f"{parts.scheme}://{parts.netloc}".lower())
    return "\n".join(dict.fromkeys(origins))


def _clean_web_form(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    if "name" in values:
        values["name"] = named_types.clean_name(values["name"], max_length=120)
    if "fields" in values:
        values["fields"] = _clean_fields(values["fields"])
    if "allowed_origins" in values:
        values["allowed_origins"] = _clean_origins(values["allowed_origins"] or "")
    if values.get("redirect_url") and urlsplit(values["redirect_url"]).scheme not in (
        "http",
        "https",
    ):
        raise ValidationError({"redirect_url": _("Enter an http or https address.")})
    return values


def _require_email_for_confirmation(values: dict[str, Any], web_form: WebForm | None) -> None:
    send = values.get("send_confirmation", web_form.send_confirmation if web_form else False)
    fields = values.get("fields", web_form.fields if web_form else [])
    if send and "email" not in {spec["name"] for spec in fields}:
        raise ValidationError(
            {"send_confirmation": _("A confirmation needs the form to ask for an email address.")}
        )


def web_form_create(*, actor: User, values: dict[str, Any]) -> WebForm:
    require_admin(actor)
    values = _clean_web_form({"fields": DEFAULT_FIELDS, **values})
    _require_email_for_confirmation(values, None)
    m2m = {name: values.pop(name) for name in WEB_FORM_M2M if name in values}
    return records.record_create(WebForm(**values), actor=actor, m2m=m2m)


def web_form_update(
    *, actor: User, web_form: WebForm, values: dict[str, Any], expected_version: int | None
) -> WebForm:
    require_admin(actor)
    values = _clean_web_form(values)
    _require_email_for_confirmation(values, web_form)
    return records.record_update(
        web_form, actor=actor, values=values, expected_version=expected_version
    )


# --- Visitors' posts ------------------------------------------------------------------------


def submission_receive(
    *,
    web_form: WebForm,
    data: dict[str, str],
    language: str,
    ip_address: str = "",
    user_agent: str = "",
    page: str = "",
    spam: bool = False,
) -> Submission:
    """Store a post (already validated against the form), then make the lead from it. A post
    that filled the honeypot is stored as spam and makes nothing (an admin may still retry it
    if a person was mistaken for a bot)."""
    with transaction.atomic():
        submission = Submission.objects.create(
            web_form=web_form,
            data=data,
            language=language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE,
            ip_address=ip_address or None,
            user_agent=user_agent[:300],
            page=page[:300],
            status=Submission.Status.SPAM if spam else Submission.Status.RECEIVED,
        )
    if not spam:
        submission_process(submission=submission)
    return submission


def _lead_title(web_form: WebForm, data: dict[str, str], reference: str) -> str:
    who = data.get("company_name") or data.get("contact_name") or data.get("email") or reference
    return f"{web_form.name}: {who}"[:200]


def _lead_values(submission: Submission) -> dict[str, Any]:
    web_form, data = submission.web_form, submission.data
    source = web_form.source or LeadSource.objects.filter(code="web-form").first()
    product = (
        ProductInterest.objects.filter(code=data["product_interest"]).first()
        if data.get("product_interest")
        else None
    )
    return {
        "title": _lead_title(web_form, data, submission.reference),
        "pipeline": web_form.pipeline,
        "contact_name": data.get("contact_name", ""),
        "company_name": data.get("company_name", ""),
        "email": data.get("email", ""),
        "phone": data.get("phone", ""),
        "country": data.get("country", ""),
        "description": data.get("description", ""),
        "product_interest": product,
        "source": source,
        "tags": list(web_form.tags.all()),
    }


def _make_lead(submission: Submission) -> Opportunity:
    values = _lead_values(submission)
    facts = assignment.LeadFacts(
        country=values["country"],
        source_id=values["source"].pk if values["source"] else None,
        product_interest_id=values["product_interest"].pk if values["product_interest"] else None,
        web_form_id=submission.web_form_id,
    )
    chosen = assignment.assignee_choose(facts=facts)
    values.update(owner=chosen.owner, team=chosen.team or submission.web_form.pipeline.team)
    lead = sales.opportunity_create(actor=None, values=values)
    assignment.assignment_announce(lead=lead, assignment=chosen, event="web_form_lead")
    return lead


def submission_process(*, submission: Submission) -> Submission:
    """Make the lead of a stored submission (once: one that has its lead is left alone)."""
    with transaction.atomic():
        locked = Submission.objects.select_for_update().select_related("web_form__pipeline")
        submission = locked.get(pk=submission.pk)
        if submission.status == Submission.Status.DONE:
            return submission
        submission.attempts += 1
        submission.save(update_fields=["attempts"])
    try:
        with transaction.atomic():
            lead = _make_lead(submission)
            submission.status = Submission.Status.DONE
            submission.lead = lead
            submission.error = ""
            submission.processed_at = timezone.now()
            submission.save(update_fields=["status", "lead", "error", "processed_at"])
            if submission.web_form.send_confirmation and submission.data.get("email"):
                pk = submission.pk
                transaction.on_commit(lambda: async_task(CONFIRMATION_TASK, pk))
    except Exception as error:
        logger.exception("Web form submission %s made no lead", submission.reference)
        messages = getattr(error, "messages", None) or [str(error) or type(error).__name__]
        submission.status = Submission.Status.FAILED
        submission.error = " ".join(str(m) for m in messages)[:2000]
        submission.save(update_fields=["status", "error"])
    return submission


def submission_retry(*, actor: User, submission: Submission) -> Submission:
    """An admin makes the lead of a failed submission again, or of one taken for spam."""
    require_admin(actor)
    if submission.status == Submission.Status.DONE:
        raise ValidationError(_("This submission has its lead already."))
    return submission_process(submission=submission)
