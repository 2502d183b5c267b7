"""Asking for a colleague's customer, and answering such a request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampo.contacts import access
from sampo.contacts.handovers import selectors, services
from sampo.contacts.handovers.models import HandoverRequest
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why should you take over this customer?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Answer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _record(request: AuthedRequest, kind: str, pk: int) -> Any:
    if kind == "organizations":
        return access.access_organization(request.user, pk)
    if kind == "people":
        return access.access_person(request.user, pk)
    raise Http404


@require_http_methods(["GET", "POST"])
def handover_new(request: AuthedRequest, kind: str, pk: int) -> HttpResponse:
    record = _record(request, kind, pk)
    if not services.can_request(request.user, record):
        raise Http404
    form = ReasonForm(request.POST or None)
    if form.is_valid():
        try:
            services.handover_request(
                actor=request.user, record=record, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was asked; you will be notified of the answer.")
                % {"name": record.owner.name},
            )
            return redirect(record.get_absolute_url())
    return render(request, "contacts/handover_form.html", {"record": record, "form": form})


def _request(request: AuthedRequest, pk: int) -> HandoverRequest:
    handover = get_object_or_404(HandoverRequest, pk=pk)
    record = handover.record
    if record is None or not services.can_decide(request.user, record):
        raise Http404
    return handover


@require_POST
def handover_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    handover = _request(request, pk)
    form = AnswerForm(request.POST)
    answer = form.cleaned_data["answer"] if form.is_valid() else ""
    try:
        if request.POST.get("decision") == "accept":
            record = services.handover_accept(actor=request.user, request=handover, answer=answer)
            messages.success(
                request,
                _("%(record)s now belongs to %(name)s.")
                % {"record": record, "name": handover.requested_by.name},
            )
        else:
            services.handover_decline(actor=request.user, request=handover, answer=answer)
            messages.success(request, _("The request was declined."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if request.POST.get("back") == "record" and handover.record is not None:
        return redirect(handover.record.get_absolute_url())
    return redirect("contacts:handovers")


@require_POST
def handover_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    handover = get_object_or_404(HandoverRequest, pk=pk, requested_by=request.user)
    try:
        services.handover_withdraw(actor=request.user, request=handover)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your request was withdrawn."))
    return redirect("contacts:handovers")


@require_GET
def handover_list(request: AuthedRequest) -> HttpResponse:
    context = {
        "incoming": selectors.incoming_requests(user=request.user),
        "outgoing": selectors.outgoing_requests(user=request.user),
        "answer_form": AnswerForm(),
    }
    return render(request, "contacts/handovers.html", context)
