"""Adding, changing and removing an organization's key figures."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sampo.contacts import access, services
from sampo.contacts.forms import KeyFigureForm
from sampo.contacts.models import KeyFigure, Organization
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest


@require_http_methods(["GET", "POST"])
def key_figure_new(request: AuthedRequest, pk: int) -> HttpResponse:
    organization = access.access_organization(request.user, pk, write=True)
    return _save(request, organization, None)


@require_http_methods(["GET", "POST"])
def key_figure_edit(request: AuthedRequest, pk: int, figure_pk: int) -> HttpResponse:
    organization = access.access_organization(request.user, pk, write=True)
    figure = get_object_or_404(KeyFigure, pk=figure_pk, organization=organization)
    return _save(request, organization, figure)


def _save(
    request: AuthedRequest, organization: Organization, figure: KeyFigure | None
) -> HttpResponse:
    if request.method == "POST":
        form = KeyFigureForm(request.POST)
    elif figure is not None:
        form = KeyFigureForm.for_key_figure(figure)
    else:
        form = KeyFigureForm()
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "year"}
        try:
            services.key_figure_save(
                actor=request.user,
                organization=organization,
                year=form.cleaned_data["year"],
                values=values,
                key_figure=figure,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The key figures were saved."))
            return redirect(organization)
    context = {"form": form, "organization": organization, "figure": figure}
    return render(request, "contacts/key_figures/key_figure_form.html", context)


@require_POST
def key_figure_delete(request: AuthedRequest, pk: int, figure_pk: int) -> HttpResponse:
    organization = access.access_organization(request.user, pk, write=True)
    figure = get_object_or_404(KeyFigure, pk=figure_pk, organization=organization)
    figure.organization = organization
    services.key_figure_delete(actor=request.user, key_figure=figure)
    messages.success(
        request, _("The key figures of %(year)d were deleted.") % {"year": figure.year}
    )
    return redirect(organization)
