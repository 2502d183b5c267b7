from __future__ import annotations

import hmac
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampo.accounts.api_tokens import api_token_authenticate
from sampo.accounts.models import ApiToken
from sampo.contacts import selectors as contacts_selectors
from sampo.contacts.access import access_person
from sampo.contacts.services import DuplicateError
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest
from sampo.mail import access, selectors, services
from sampo.mail.forms import ComposeForm, LinkForm, NewPersonForm
from sampo.mail.models import EmailTemplate, SkippedMessage
from sampo.mail.parsing import without_remote_images


@require_GET
def message_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    message = access.access_message(request.user, pk)
    context = selectors.message_detail(user=request.user, message=message)
    context["show_images"] = request.GET.get("images") == "1"
    html = context["message"].html_body
    context["html"] = html if context["show_images"] else without_remote_images(html)
    context["can_send"] = access.can_send(request.user)
    response = render(request, "mail/message_detail.html", context)
    if context["show_images"]:
        # Only when asked for, on this page only: a sender learns when the email is opened.
        response._csp_update = {"img-src": ["https:", "http:"]}  # type: ignore[attr-defined]
    return response


@require_GET
def message_for_activity(request: AuthedRequest, activity_pk: int) -> HttpResponse:
    message = selectors.message_for_activity(user=request.user, activity_pk=activity_pk)
    if message is None:
        raise Http404
    return redirect("mail:message", pk=message.pk)


@require_GET
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    attachment = access.access_attachment(request.user, pk)
    # Always a download, never shown inline: the file came from outside.
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type="application/octet-stream",
    )


def _compose_initial(request: AuthedRequest, person: Any, reply: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    if reply is not None:
        subject = reply.subject
        initial["subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
        initial["reply_to"] = reply.pk
    if (pk := request.GET.get("template", "")).isdigit():
        template = get_object_or_404(EmailTemplate.objects.prefetch_related("variants"), pk=pk)
        organization = services._primary_organization(person)
        subject, body = selectors.template_rendered(
            template=template, person=person, organization=organization, user=request.user
        )
        initial.update(template=template, subject=subject, body=body)
    return initial


def _reply(request: AuthedRequest, value: Any) -> Any:
    if value in (None, ""):
        return None
    return access.access_message(request.user, int(value)) if str(value).isdigit() else None


@require_http_methods(["GET", "POST"])
def compose(request: AuthedRequest, person_pk: int) -> HttpResponse:
    access.require_send(request.user)
    person = access_person(request.user, person_pk)
    reply = _reply(request, request.POST.get("reply_to") or request.GET.get("reply_to"))
    form = ComposeForm(request.POST or None, initial=_compose_initial(request, person, reply))
    if request.method == "POST" and form.is_valid():
        try:
            message = services.email_send(
                actor=request.user,
                person=person,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                reply_to=reply,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The email is on its way."))
            return redirect("mail:message", pk=message.pk)
    context = {"form": form, "person": person, "reply": reply}
    return render(request, "mail/compose.html", context)


@require_POST
def message_retry(request: AuthedRequest, pk: int) -> HttpResponse:
    message = access.access_message(request.user, pk)
    try:
        services.email_retry(actor=request.user, message=message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The email will be sent again."))
    return redirect("mail:message", pk=pk)


# --- The unmatched inbox --------------------------------------------------------------------


@require_GET
def unmatched(request: AuthedRequest) -> HttpResponse:
    page_number = int(request.GET.get("page", "1")) if request.GET.get("page", "").isdigit() else 1
    page = selectors.unmatched_inbox(user=request.user, page=page_number)
    skipped = selectors.skipped_messages(user=request.user)
    return render(request, "mail/unmatched.html", {"page": page, "skipped": skipped})


@require_POST
def skipped_dismiss(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require_triage(request.user)
    skipped = get_object_or_404(SkippedMessage, pk=pk, dismissed_at__isnull=True)
    services.skipped_message_dismiss(actor=request.user, skipped=skipped)
    messages.success(request, _("Dismissed. The email is still in the mailbox."))
    return redirect("mail:unmatched")


def _unmatched_message(request: AuthedRequest, pk: int) -> Any:
    access.require_triage(request.user)
    message = access.access_message(request.user, pk)
    if not message.is_unmatched:
        raise Http404
    return message


@require_http_methods(["GET", "POST"])
def unmatched_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    """Link an unmatched email to a person: an existing one, or a new one made from the
    sender (prefilled)."""
    message = _unmatched_message(request, pk)
    link_form = LinkForm(request.POST if "link" in request.POST else None)
    person_form = NewPersonForm(
        request.POST if "create" in request.POST else None,
        initial=services.sender_as_person_values(message),
    )
    duplicates: list[Any] = []
    if link_form.is_bound and link_form.is_valid():
        person = link_form.cleaned_data["person"]
        try:
            services.email_link(actor=request.user, message=message, person=person)
        except ValidationError as error:
            add_service_error(link_form, error)
        else:
            messages.success(
                request, _("The email is now on %(name)s's timeline.") % {"name": person.full_name}
            )
            return redirect("mail:unmatched")
    if person_form.is_bound and person_form.is_valid():
        values = {k: person_form.cleaned_data[k] for k in ("first_name", "last_name", "email")}
        try:
            person = services.email_link_new_person(
                actor=request.user,
                message=message,
                values=values,
                organization=person_form.cleaned_data["organization"],
                allow_duplicate=person_form.cleaned_data["allow_duplicate"],
            )
        except DuplicateError as error:
            duplicates = [match.record for match in error.matches]
            # Shown again with the warning; saving once more adds the person anyway.
            confirmed = request.POST.copy()
            confirmed["allow_duplicate"] = "on"
            person_form = NewPersonForm(confirmed)
            person_form.is_valid()
        except ValidationError as error:
            add_service_error(person_form, error)
        else:
            messages.success(
                request,
                _("%(name)s was added and the email is on their timeline.")
                % {"name": person.full_name},
            )
            return redirect("mail:unmatched")
    context = {
        "message": message,
        "link_form": link_form,
        "person_form": person_form,
        "duplicates": duplicates,
    }
    return render(request, "mail/unmatched_resolve.html", context)


@require_GET
def person_pick(request: AuthedRequest) -> HttpResponse:
    """People matching what was typed, as choices for the link form (htmx fragment)."""
    access.require_triage(request.user)
    query = request.GET.get("person_query", "").strip()
    rows = (
        contacts_selectors.person_list(user=request.user, search=query).rows[:10] if query else []
    )
    return render(request, "mail/_person_options.html", {"rows": rows, "query": query})


# --- Receiving over HTTP --------------------------------------------------------------------


def _bearer_token_ok(request: HttpRequest) -> bool:
    expected = settings.MAIL_INBOUND_TOKEN
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    return (
        bool(expected)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(token.strip().encode(), expected.encode())
    )


def _personal_token(request: HttpRequest) -> ApiToken | None:
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return api_token_authenticate(secret.strip())


@csrf_exempt  # machines post here with a bearer token, not a browser session with a cookie
@login_not_required
@require_POST
def inbound(request: HttpRequest) -> HttpResponse:
    """A raw RFC 822 message as the request body (Content-Type: message/rfc822), posted with
    the shared inbound token from the settings or a user's personal API token (write scope)."""
    personal = _personal_token(request)
    if personal is None:
        if not settings.MAIL_INBOUND_TOKEN:
            raise Http404
        if not _bearer_token_ok(request):
            return JsonResponse(
                {"error": "authentication required"},
                status=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
    elif not personal.may_write:
        return JsonResponse({"error": "this token may only read"}, status=403)
    limit = settings.MAIL_MAX_MESSAGE_BYTES
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        return JsonResponse({"error": "message too large", "limit": limit}, status=413)
    raw = request.read(limit + 1)
    if len(raw) > limit:
        return JsonResponse({"error": "message too large", "limit": limit}, status=413)
    if not raw.strip():
        return JsonResponse({"error": "empty message"}, status=400)
    try:
        received = services.email_receive(raw_bytes=raw, received_by=personal)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    message = received.message
    body = {"id": message.pk, "created": received.created, "matched": not message.is_unmatched}
    return JsonResponse(body, status=201 if received.created else 200)
