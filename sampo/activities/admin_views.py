"""Admin page of activity types: the built-in call, meeting, email and note, and the
company's own ("site visit", "demo")."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sampo.accounts.access import require_admin
from sampo.activities import selectors, services
from sampo.activities.forms import ActivityTypeForm
from sampo.activities.models import ActivityType
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest


def _activity_type(request: AuthedRequest, pk: int) -> ActivityType:
    require_admin(request.user)
    return get_object_or_404(ActivityType, pk=pk)


@require_http_methods(["GET", "POST"])
def activity_type_list(request: AuthedRequest) -> HttpResponse:
    require_admin(request.user)
    types = selectors.activity_type_list()
    form = ActivityTypeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_type_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The activity type was added."))
            return redirect("activities:types")
    context = {"types": types, "form": form, "seeded": ActivityType.SEEDED_LABELS}
    return render(request, "activities/admin/activity_type_list.html", context)


@require_http_methods(["GET", "POST"])
def activity_type_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    activity_type = _activity_type(request, pk)
    form = ActivityTypeForm(request.POST or None, initial={"name": str(activity_type)})
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_type_rename(
                actor=request.user, activity_type=activity_type, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("activities:types")
    context = {"form": form, "activity_type": activity_type}
    return render(request, "activities/admin/activity_type_form.html", context)


@require_POST
def activity_type_move(request: AuthedRequest, pk: int, offset: int) -> HttpResponse:
    activity_type = _activity_type(request, pk)
    services.activity_type_move(actor=request.user, activity_type=activity_type, offset=offset)
    return redirect("activities:types")


@require_POST
def activity_type_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    activity_type = _activity_type(request, pk)
    name = str(activity_type)
    try:
        services.activity_type_delete(actor=request.user, activity_type=activity_type)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
    return redirect("activities:types")
