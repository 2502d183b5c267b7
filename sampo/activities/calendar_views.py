"""The private calendar feed, its settings page, and one activity as an .ics file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sampo.activities import access, calendar, services
from sampo.lib.http import AuthedRequest, as_download

ICS_TYPE = "text/calendar; charset=utf-8"


@require_GET
def calendar_settings(request: AuthedRequest) -> HttpResponse:
    feed = services.calendar_feed_for(user=request.user)
    url = ""
    if feed.enabled:
        path = reverse("activities:calendar_feed", args=[calendar.feed_token(feed)])
        url = request.build_absolute_uri(path)
    return render(request, "activities/calendar_settings.html", {"feed": feed, "feed_url": url})


@require_POST
def calendar_reset(request: AuthedRequest) -> HttpResponse:
    services.calendar_feed_reset(user=request.user)
    messages.success(request, _("A new calendar address was made. The old one no longer works."))
    return redirect("activities:calendar")


@require_POST
def calendar_disable(request: AuthedRequest) -> HttpResponse:
    services.calendar_feed_disable(user=request.user)
    messages.success(request, _("Your calendar feed is turned off."))
    return redirect("activities:calendar")


@login_not_required  # calendar apps cannot log in: the signed address is the key
@never_cache
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = calendar.feed_from_token(token)
    if feed is None:
        raise Http404
    with translation.override(feed.user.language):
        name = _("Sampo: %(name)s") % {"name": feed.user.name or feed.user.email}
        body = calendar.calendar_for(calendar.feed_activities(feed), name=name)
    return HttpResponse(body, content_type=ICS_TYPE)


@require_GET
def activity_ics(request: AuthedRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request.user, pk)
    body = calendar.calendar_for([activity], name=activity.subject)
    response = HttpResponse(body, content_type=ICS_TYPE)
    return as_download(response, f"activity-{activity.pk}.ics")
