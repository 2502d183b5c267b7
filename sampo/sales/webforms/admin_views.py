"""Admin pages of web forms: the list, the designer with the snippet to copy, and the
submissions with a retry for those that made no lead."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sampo.accounts.access import require_admin
from sampo.core.records import StaleEditError
from sampo.core.selectors import history_for
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest
from sampo.sales.webforms import selectors, services
from sampo.sales.webforms.fields import HONEYPOT, LANGUAGE_FIELD, SubmissionForm, answers
from sampo.sales.webforms.forms import SubmissionFilterForm, WebFormForm
from sampo.sales.webforms.models import Submission, WebForm

SUBMISSIONS_PER_PAGE = 50


def _web_form(request: AuthedRequest, pk: int) -> WebForm:
    require_admin(request.user)
    return get_object_or_404(WebForm.objects.select_related("pipeline", "source"), pk=pk)


@require_http_methods(["GET"])
def web_form_list(request: AuthedRequest) -> HttpResponse:
    require_admin(request.user)
    return render(
        request, "sales/webforms/admin_list.html", {"web_forms": selectors.web_form_rows()}
    )


@require_http_methods(["GET", "POST"])
def web_form_add(request: AuthedRequest) -> HttpResponse:
    require_admin(request.user)
    form = WebFormForm(request.POST or None, instance=WebForm(fields=services.DEFAULT_FIELDS))
    if request.method == "POST" and form.is_valid():
        try:
            web_form = services.web_form_create(actor=request.user, values=form.service_values())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The web form was added. Copy its snippet below."))
            return redirect("sales:admin_web_form", pk=web_form.pk)
    return render(request, "sales/webforms/admin_form.html", {"form": form, "web_form": None})


def snippet(request: AuthedRequest, web_form: WebForm, language: str) -> str:
    """The HTML a website owner pastes into a page: a plain form posting to Sampo."""
    with translation.override(language):
        return render_to_string(
            "sales/webforms/snippet.html",
            {
                "web_form": web_form,
                "form": SubmissionForm(None, web_form=web_form, language=language),
                "action": request.build_absolute_uri(
                    reverse("sales:web_form_page", args=[web_form.key])
                ),
                "language": language,
                "language_field": LANGUAGE_FIELD,
                "honeypot": HONEYPOT,
            },
        ).strip()


def _edit_context(request: AuthedRequest, web_form: WebForm, form: WebFormForm) -> dict[str, Any]:
    codes = [code for code, _name in settings.LANGUAGES]
    language = request.GET.get("snippet", "")
    language = language if language in codes else codes[0]
    return {
        "web_form": web_form,
        "form": form,
        "snippet": snippet(request, web_form, language),
        "snippet_language": language,
        "languages": settings.LANGUAGES,
        "public_url": request.build_absolute_uri(
            reverse("sales:web_form_page", args=[web_form.key])
        ),
        "json_url": request.build_absolute_uri(reverse("sales:web_form_json", args=[web_form.key])),
        "history": history_for(web_form),
        "counts": selectors.submission_counts(web_form),
    }


@require_http_methods(["GET", "POST"])
def web_form_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    web_form = _web_form(request, pk)
    form = WebFormForm(
        request.POST or None, instance=web_form, initial={"version": web_form.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.web_form_update(
                actor=request.user,
                web_form=web_form,
                values=form.service_values(),
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("sales:admin_web_form", pk=pk)
        web_form.refresh_from_db()
    context = _edit_context(request, web_form, form)
    return render(request, "sales/webforms/admin_form.html", context)


@require_http_methods(["GET"])
def submission_list(request: AuthedRequest, pk: int) -> HttpResponse:
    web_form = _web_form(request, pk)
    filters = SubmissionFilterForm(request.GET or None)
    status = filters.cleaned_data["status"] if filters.is_valid() else ""
    page = max(int(request.GET.get("page", "1")) if request.GET.get("page", "").isdigit() else 1, 1)
    rows, has_next = selectors.submission_page(
        web_form=web_form, status=status, page=page, per_page=SUBMISSIONS_PER_PAGE
    )
    context = {
        "web_form": web_form,
        "filters": filters,
        "submissions": rows,
        "page": page,
        "has_next": has_next,
        "status": status,
    }
    return render(request, "sales/webforms/admin_submissions.html", context)


@require_http_methods(["GET"])
def submission_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    submission = get_object_or_404(
        Submission.objects.select_related("web_form", "lead__owner"), pk=pk
    )
    context = {
        "submission": submission,
        "web_form": submission.web_form,
        "answers": answers(submission.web_form, submission.data, submission.language),
        "honeypot_value": submission.data.get(HONEYPOT, ""),
    }
    return render(request, "sales/webforms/admin_submission.html", context)


@require_POST
def submission_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    submission = get_object_or_404(Submission, pk=pk)
    try:
        submission = services.submission_retry(actor=request.user, submission=submission)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if submission.status == Submission.Status.DONE:
            messages.success(request, _("The lead was created."))
        else:
            messages.error(
                request, _("The lead could not be created: %(error)s") % {"error": submission.error}
            )
    return redirect("sales:admin_submission", pk=pk)
