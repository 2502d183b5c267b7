from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampo.activities import access, following, regarding, selectors, services, unattended
from sampo.activities.forms import CompleteForm, LogForm, RescheduleForm, ScheduleForm
from sampo.activities.models import ActivityType, Attachment
from sampo.contacts.access import access_organization, access_person
from sampo.contacts.models import Organization, Person
from sampo.core.records import StaleEditError
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest


@require_GET
def my_day(request: AuthedRequest) -> HttpResponse:
    team = request.GET.get("scope") == "team"
    context = selectors.my_day(user=request.user, team=team)
    context["can_see_unattended"] = unattended.can_view(request.user)
    return render(request, "activities/my_day.html", {**context, "team": team})


@require_GET
def my_day_more(request: AuthedRequest, section: str) -> HttpResponse:
    """The next activities of a section of My day (htmx, "Show more")."""
    if section not in selectors.MY_DAY_SECTIONS:
        raise Http404
    team = request.GET.get("scope") == "team"
    given = request.GET.get("offset", "")
    offset = int(given) if given.isdigit() else 0
    activities, has_more = selectors.my_day_section(
        user=request.user, section=section, team=team, offset=offset
    )
    context = {
        "activities": activities,
        "has_more": has_more,
        "next_offset": offset + len(activities),
        "section": section,
        "team": team,
    }
    return render(request, "activities/_my_day_rows.html", context)


def _target(request: AuthedRequest) -> tuple[Organization | None, Person | None]:
    """The record the activity is logged on, from ?organization= or ?person=."""
    organization = person = None
    if (pk := request.GET.get("organization", "")).isdigit():
        organization = access_organization(request.user, int(pk))
    if (pk := request.GET.get("person", "")).isdigit():
        person = access_person(request.user, int(pk))
        current = person.memberships.filter(end_date__isnull=True).select_related("organization")
        primary = current.order_by("-is_primary").first()
        organization = organization or (primary.organization if primary else None)
    return organization, person


def _people_choices(organization: Organization | None, person: Person | None) -> Any:
    if person is not None:
        return Person.objects.filter(pk=person.pk)
    if organization is not None:
        return Person.objects.filter(
            memberships__organization=organization, memberships__end_date__isnull=True
        ).distinct()
    return Person.objects.none()


def _regarding(request: AuthedRequest) -> Any:
    """The record the activity is about, from ?regarding=app.model:pk (404 unless visible)."""
    return regarding.resolve(request.user, request.GET.get("regarding", ""))


def _back_url(request: AuthedRequest, organization: Any, person: Any, about: Any = None) -> str:
    next_url = request.GET.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        return next_url
    record = about or person or organization
    return record.get_absolute_url() if record else reverse("activities:my_day")


@require_http_methods(["GET", "POST"])
def activity_new(request: AuthedRequest) -> HttpResponse:
    access.require_log(request.user)
    organization, person = _target(request)
    about = _regarding(request)
    if about is not None and organization is None and person is None:
        # An activity about an opportunity is also with its customer.
        organization = getattr(about, "organization", None)
        person = getattr(about, "person", None)
    planning = request.GET.get("mode") == "plan"
    form_class = ScheduleForm if planning else LogForm
    initial: dict[str, Any] = {
        "type": ActivityType.objects.filter(code="call").first(),
        "people": [person] if person else [],
        "when": timezone.localtime().replace(second=0, microsecond=0, tzinfo=None),
        "day": timezone.localdate(),
        "assignee": request.user,
        "subject": request.GET.get("subject", ""),
    }
    people = _people_choices(organization, person)
    form = form_class(request.POST or None, request.FILES or None, initial=initial, people=people)
    if request.method == "POST" and form.is_valid():
        values = {**form.cleaned_data, "organization": organization, "regarding": about}
        try:
            if planning:
                services.activity_schedule(actor=request.user, **values)
            else:
                services.activity_log(actor=request.user, **values)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The follow-up was scheduled.") if planning else _("The activity was logged."),
            )
            return redirect(_back_url(request, organization, person, about))
    context = {
        "form": form,
        "planning": planning,
        "organization": organization,
        "person": person,
        "regarding": about,
        "back_url": _back_url(request, organization, person, about),
    }
    return render(request, "activities/activity_form.html", context)


def _next_step_url(activity: Any) -> str:
    """The planning form, prefilled for the same customer: completing offers the next step."""
    params: dict[str, Any] = {"mode": "plan"}
    person = next(iter(activity.people.all()), None)
    if person is not None:
        params["person"] = person.pk
    elif activity.organization_id:
        params["organization"] = activity.organization_id
    if activity.regarding_type_id and activity.regarding_id:
        # The next step stays about the same opportunity (or ticket).
        kind = activity.regarding_type
        params["regarding"] = f"{kind.app_label}.{kind.model}:{activity.regarding_id}"
    return f"{reverse('activities:new')}?{urlencode(params)}"


@require_POST
def activity_complete(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk, write=True)
    form = CompleteForm(request.POST)
    form.is_valid()
    try:
        services.activity_complete(
            actor=request.user, activity=activity, outcome=form.cleaned_data.get("outcome", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("activities:my_day")
    messages.success(request, _("Marked as done. What is the next step?"))
    return redirect(_next_step_url(activity))


@require_http_methods(["GET", "POST"])
def activity_reschedule(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk, write=True)
    initial = {
        "day": activity.day,
        "time": timezone.localtime(activity.when).time() if activity.has_time else None,
        "version": activity.version,
    }
    form = RescheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_reschedule(
                actor=request.user,
                activity=activity,
                day=form.cleaned_data["day"],
                time=form.cleaned_data["time"],
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The activity was rescheduled."))
            return redirect("activities:my_day")
    return render(request, "activities/reschedule_form.html", {"form": form, "activity": activity})


@require_POST
def activity_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk, write=True)
    try:
        services.activity_cancel(actor=request.user, activity=activity)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The activity was cancelled."))
    return redirect("activities:my_day")


@require_GET
def timeline(request: AuthedRequest) -> HttpResponse:
    """A record's timeline: the filter and "show older" of its page's panel (HTMX), or a page
    of its own without JavaScript."""
    record = _timeline_record(request)
    type_code = request.GET.get("type", "")
    panel = selectors.timeline_panel(request.user, record=record, type_code=type_code)
    cursor = request.GET.get("cursor", "")
    if cursor:
        panel["page"] = selectors.timeline(
            user=request.user, record=record, type_code=type_code, cursor=cursor
        )
    if request.htmx:
        template = "activities/_timeline_items.html" if cursor else "activities/_timeline.html"
    else:
        template = "activities/timeline.html"
    return render(request, template, {"panel": panel, "record": record})


def _timeline_record(request: AuthedRequest) -> Any:
    """?organization=, ?person= or ?regarding=app.model:pk, each behind its access check."""
    if (pk := request.GET.get("organization", "")).isdigit():
        return access_organization(request.user, int(pk))
    if (pk := request.GET.get("person", "")).isdigit():
        return access_person(request.user, int(pk))
    if record := _regarding(request):
        return record
    raise Http404


@require_GET
def attachment_download(request: AuthedRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(Attachment.objects.only("activity_id", "file", "name"), pk=pk)
    access.access_activity(request.user, attachment.activity_id)
    # Always a download, never shown inline: an uploaded file never runs in our origin.
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )


@require_POST
def follow(request: AuthedRequest) -> HttpResponse:
    """Follow a record, or stop: hear of every activity logged or planned on it."""
    organization, person = _target(request)
    record = person or organization
    if record is None:
        raise Http404
    wanted = request.POST.get("following") == "1"
    following.follow_set(user=request.user, record=record, following=wanted)
    if wanted:
        messages.success(
            request, _("You will be told of every activity on %(name)s.") % {"name": record}
        )
    else:
        messages.success(request, _("You no longer follow %(name)s.") % {"name": record})
    return redirect(record.get_absolute_url())
