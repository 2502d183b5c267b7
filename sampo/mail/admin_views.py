"""Admin pages for email templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampo.accounts.access import require_admin
from sampo.core.records import StaleEditError
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest
from sampo.mail import merge_fields, selectors, services
from sampo.mail.forms import TemplateForm
from sampo.mail.models import EmailTemplate


def _template(request: AuthedRequest, pk: int) -> EmailTemplate:
    require_admin(request.user)
    return get_object_or_404(EmailTemplate.objects.prefetch_related("variants"), pk=pk)


def _form_context(form: TemplateForm, template: EmailTemplate | None) -> dict[str, Any]:
    return {"form": form, "template": template, "fields": merge_fields.FIELDS}


@require_GET
def template_list(request: AuthedRequest) -> HttpResponse:
    require_admin(request.user)
    return render(
        request, "mail/admin/template_list.html", {"templates": selectors.template_list()}
    )


@require_http_methods(["GET", "POST"])
def template_new(request: AuthedRequest) -> HttpResponse:
    require_admin(request.user)
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.email_template_create(
                actor=request.user,
                name=data["name"],
                subject=data["subject"],
                body=data["body"],
                variants=form.variants(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The template was added."))
            return redirect("mail:templates")
    return render(request, "mail/admin/template_form.html", _form_context(form, None))


def _initial(template: EmailTemplate) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "name": template.name,
        "subject": template.subject,
        "body": template.body,
        "version": template.version,
    }
    for variant in template.variants.all():
        initial[f"subject_{variant.language}"] = variant.subject
        initial[f"body_{variant.language}"] = variant.body
    return initial


@require_http_methods(["GET", "POST"])
def template_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    form = TemplateForm(request.POST or None, initial=_initial(template))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.email_template_update(
                actor=request.user,
                template=template,
                name=data["name"],
                subject=data["subject"],
                body=data["body"],
                variants=form.variants(),
                expected_version=data["version"],
            )
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("mail:templates")
    return render(request, "mail/admin/template_form.html", _form_context(form, template))


@require_POST
def template_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    services.email_template_trash(actor=request.user, template=template)
    messages.success(
        request,
        _("“%(name)s” was moved to the trash. An admin can restore it from there.")
        % {"name": template.name},
    )
    return redirect("mail:templates")
