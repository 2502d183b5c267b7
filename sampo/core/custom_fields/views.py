"""Admin pages for custom fields (namespace "core"): the fields of each record type, add,
edit (labels, choices, required, help), order, archive and restore."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampo.accounts.access import require_admin
from sampo.core import custom_fields
from sampo.core.custom_fields import services
from sampo.core.custom_fields.forms import CustomFieldForm
from sampo.core.models import CustomField
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest


def _field(request: AuthedRequest, pk: int) -> CustomField:
    require_admin(request.user)
    return get_object_or_404(CustomField, pk=pk)


@require_GET
def custom_field_list(request: AuthedRequest) -> HttpResponse:
    require_admin(request.user)
    groups = [
        (record_type, custom_fields.definitions(record_type.key, archived=True))
        for record_type in custom_fields.record_types()
    ]
    return render(request, "core/custom_fields/list.html", {"groups": groups})


@require_http_methods(["GET", "POST"])
def custom_field_new(request: AuthedRequest, record_type: str) -> HttpResponse:
    require_admin(request.user)
    kind = custom_fields.record_type(record_type)
    if kind is None:
        raise Http404
    form = CustomFieldForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.custom_field_create(
                actor=request.user, record_type_key=record_type, **form.definition()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The field was added."))
            return redirect("core:custom_fields")
    context = {"form": form, "record_type": kind}
    return render(request, "core/custom_fields/form.html", context)


@require_http_methods(["GET", "POST"])
def custom_field_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    field = _field(request, pk)
    initial = {
        "label": field.label,
        **{f"label_{lang}": text for lang, text in (field.labels or {}).items()},
        "currency": field.currency,
        "required": field.required,
        "help_text": field.help_text,
    }
    form = CustomFieldForm(request.POST or None, initial=initial, field=field)
    if request.method == "POST" and form.is_valid():
        try:
            services.custom_field_update(actor=request.user, field=field, **form.definition())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("core:custom_fields")
    context = {
        "form": form,
        "field": field,
        "record_type": custom_fields.record_type(field.record_type),
    }
    return render(request, "core/custom_fields/form.html", context)


@require_POST
def custom_field_move(request: AuthedRequest, pk: int, offset: int) -> HttpResponse:
    services.custom_field_move(actor=request.user, field=_field(request, pk), offset=offset)
    return redirect("core:custom_fields")


@require_POST
def custom_field_archive(request: AuthedRequest, pk: int, archived: bool) -> HttpResponse:
    field = _field(request, pk)
    services.custom_field_archive(actor=request.user, field=field, archived=archived)
    if archived:
        message = _("“%(name)s” was archived: it is hidden and its values are kept.")
    else:
        message = _("“%(name)s” is in use again.")
    messages.success(request, message % {"name": field.display_label})
    return redirect("core:custom_fields")
