"""The public side of web forms: the page, the plain HTML post (from that page or from the
snippet on another website) and the JSON endpoint. No login.

The posts are exempt from CSRF because the snippet and the JSON calls come from other
websites, which cannot hold Sampo's token. CSRF abuses a visitor's session; these views act
for nobody (they never read `request.user`) and can only create a lead, which anyone may do by
design. What protects them instead: the unguessable form key, the form's list of allowed
websites (checked against Origin; CORS answers only those), the JSON endpoint accepting only
application/json (which a browser on another website cannot send without a preflight the
endpoint refuses), a honeypot field, rate limits per visitor address and per form, and limits
on the body and on every field.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from sampo.lib import rate_limits
from sampo.sales.webforms import services
from sampo.sales.webforms.fields import HONEYPOT, LANGUAGE_FIELD, MAX_LENGTHS, SubmissionForm
from sampo.sales.webforms.models import Submission, WebForm


def _web_form(key: str) -> WebForm:
    found = WebForm.objects.filter(key=key, is_active=True).select_related("pipeline").first()
    if found is None:
        raise Http404
    return found


def _language(request: HttpRequest, asked: object) -> str:
    codes = [code for code, _name in settings.LANGUAGES]
    if isinstance(asked, str) and asked in codes:
        return asked
    return getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)


def _own_origin(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/").lower()


def _origin_allowed(request: HttpRequest, web_form: WebForm) -> bool:
    """A post with no Origin (a server, an old browser) or from Sampo itself is let through; from
    another website only if the form lists it, when it lists any."""
    origin = request.headers.get("Origin", "").rstrip("/").lower()
    if not origin or origin == _own_origin(request) or origin == settings.SITE_URL.lower():
        return True
    return not web_form.origins or origin in web_form.origins


def _refusal(request: HttpRequest, web_form: WebForm) -> tuple[int, str] | None:
    """Why a post is refused before it is read, as (status, message), or None."""
    if not _origin_allowed(request, web_form):
        return 403, _("This form does not take messages from this website.")
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > settings.WEBFORM_MAX_BYTES:
        return 413, _("The message is too long to send. Please shorten it.")
    ip_address = rate_limits.client_ip(request)
    window = settings.WEBFORM_RATE_WINDOW
    if not rate_limits.allow(
        f"webform-ip:{ip_address}", limit=settings.WEBFORM_POSTS_PER_IP, window=window
    ) or not rate_limits.allow(
        f"webform:{web_form.pk}", limit=settings.WEBFORM_POSTS_PER_FORM, window=window
    ):
        return 429, _("Too many messages were sent from here. Please try again in a few minutes.")
    return None


def _visitor(request: HttpRequest) -> dict[str, Any]:
    return {
        "ip_address": rate_limits.client_ip(request),
        "user_agent": request.headers.get("User-Agent", ""),
        "page": request.headers.get("Referer", "") or request.headers.get("Origin", ""),
    }


def _as_sent(values: Any, web_form: WebForm) -> dict[str, str]:
    """What a bot filled in, kept (cut to the field limits) in case it was a person."""
    kept = {
        name: str(values.get(name) or "")[: MAX_LENGTHS.get(name, 200)]
        for name in web_form.field_names
        if values.get(name)
    }
    kept[HONEYPOT] = str(values.get(HONEYPOT) or "")[:200]
    return kept


def _cleaned(form: SubmissionForm) -> dict[str, str]:
    return {name: str(value) for name, value in form.cleaned_data.items() if value}


def _thanks_url(web_form: WebForm, submission: Submission) -> str:
    if web_form.redirect_url:
        return web_form.redirect_url
    url = reverse("sales:web_form_thanks", args=[web_form.key])
    return f"{url}?ref={submission.reference}&lang={submission.language}"


def _page(
    request: HttpRequest, web_form: WebForm, form: SubmissionForm, status: int
) -> HttpResponse:
    response = render(
        request,
        "sales/webforms/public_form.html",
        {
            "web_form": web_form,
            "form": form,
            "honeypot": HONEYPOT,
            "language_field": LANGUAGE_FIELD,
        },
        status=status,
    )
    if web_form.redirect_url:
        # The browser follows the redirect after the post only if the page allows its site.
        response._csp_update = {"form-action": [services.origin_of(web_form.redirect_url)]}  # type: ignore[attr-defined]
    return response


@csrf_exempt  # posted from other websites too: see the module's docstring
@login_not_required
@require_http_methods(["GET", "POST"])
def web_form_page(request: HttpRequest, key: str) -> HttpResponse:
    web_form = _web_form(key)
    if request.method == "POST":
        return _post(request, web_form)
    language = _language(request, request.GET.get(LANGUAGE_FIELD))
    with translation.override(language):
        form = SubmissionForm(None, web_form=web_form, language=language)
        return _page(request, web_form, form, 200)


def _post(request: HttpRequest, web_form: WebForm) -> HttpResponse:
    # Refused before the body is read, in the browser's language (the body names the form's).
    refused = _refusal(request, web_form)
    if refused is not None:
        status, message = refused
        with translation.override(_language(request, None)):
            context = {"web_form": web_form, "message": message}
            return render(request, "sales/webforms/public_refused.html", context, status=status)
    language = _language(request, request.POST.get(LANGUAGE_FIELD))
    with translation.override(language):
        if request.POST.get(HONEYPOT):
            submission = services.submission_receive(
                web_form=web_form,
                data=_as_sent(request.POST, web_form),
                language=language,
                spam=True,
                **_visitor(request),
            )
        else:
            form = SubmissionForm(request.POST, web_form=web_form, language=language)
            if not form.is_valid():
                return _page(request, web_form, form, 400)
            submission = services.submission_receive(
                web_form=web_form, data=_cleaned(form), language=language, **_visitor(request)
            )
    response = redirect(_thanks_url(web_form, submission))
    response.status_code = 303  # the thank-you page is fetched with GET
    return response


@login_not_required
@require_GET
def web_form_thanks(request: HttpRequest, key: str) -> HttpResponse:
    web_form = _web_form(key)
    language = _language(request, request.GET.get(LANGUAGE_FIELD))
    reference = request.GET.get("ref", "")[:16]
    submission = Submission.objects.filter(web_form=web_form, reference=reference).first()
    with translation.override(language):
        return render(
            request,
            "sales/webforms/public_thanks.html",
            {"web_form": web_form, "submission": submission},
        )


# --- JSON -----------------------------------------------------------------------------------


def _cors(request: HttpRequest, web_form: WebForm, response: HttpResponse) -> HttpResponse:
    origin = request.headers.get("Origin", "").rstrip("/").lower()
    response["Vary"] = "Origin"
    if origin and origin in web_form.origins:
        response["Access-Control-Allow-Origin"] = origin
    return response


def _json(
    request: HttpRequest, web_form: WebForm, body: dict[str, Any], status: int
) -> HttpResponse:
    return _cors(request, web_form, JsonResponse(body, status=status))


def _preflight(request: HttpRequest, web_form: WebForm) -> HttpResponse:
    origin = request.headers.get("Origin", "").rstrip("/").lower()
    if origin not in web_form.origins:
        return HttpResponse(status=403)
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = "POST"
    response["Access-Control-Allow-Headers"] = "Content-Type"
    response["Access-Control-Max-Age"] = "600"
    return _cors(request, web_form, response)


def _json_values(request: HttpRequest) -> dict[str, Any] | None:
    try:
        values = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, dict):
        return None
    return {k: v for k, v in values.items() if isinstance(v, str | int | float) or v is None}


@csrf_exempt  # called from other websites: see the module's docstring
@login_not_required
@require_http_methods(["POST", "OPTIONS"])
def web_form_json(request: HttpRequest, key: str) -> HttpResponse:
    web_form = _web_form(key)
    if request.method == "OPTIONS":
        return _preflight(request, web_form)
    if request.content_type != "application/json":
        return _json(request, web_form, {"ok": False, "error": "Send application/json."}, 415)
    refused = _refusal(request, web_form)
    values = _json_values(request) if refused is None else None
    language = _language(request, (values or {}).get(LANGUAGE_FIELD))
    with translation.override(language):
        if refused is not None:
            status, message = refused
            return _json(request, web_form, {"ok": False, "error": message}, status)
        if values is None:
            message = _("Send the fields as one JSON object.")
            return _json(request, web_form, {"ok": False, "error": message}, 400)
        if values.get(HONEYPOT):
            submission = services.submission_receive(
                web_form=web_form,
                data=_as_sent(values, web_form),
                language=language,
                spam=True,
                **_visitor(request),
            )
            return _json(request, web_form, _accepted(web_form, submission), 201)
        form = SubmissionForm(
            {k: "" if v is None else str(v) for k, v in values.items()},
            web_form=web_form,
            language=language,
        )
        if not form.is_valid():
            errors = {name: [str(m) for m in messages] for name, messages in form.errors.items()}
            return _json(request, web_form, {"ok": False, "errors": errors}, 400)
        submission = services.submission_receive(
            web_form=web_form, data=_cleaned(form), language=language, **_visitor(request)
        )
        return _json(request, web_form, _accepted(web_form, submission), 201)


def _accepted(web_form: WebForm, submission: Submission) -> dict[str, Any]:
    message = web_form.thank_you_message or _(
        "Thank you! We received your message and will be in touch soon."
    )
    return {"ok": True, "reference": submission.reference, "message": message}
