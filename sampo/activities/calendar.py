"""iCalendar (RFC 5545) of scheduled activities: a user's private feed for Outlook, Google
Calendar and phones, and a single activity as a downloadable .ics file."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from sampo.activities.models import Activity, CalendarFeed

FEED_SALT = "sampo.activities.calendar-feed"
DEFAULT_MINUTES = 30
# What the feed holds: planned work from a month back (so an overdue call still shows) and
# what was done in that month, as a calendar app would have shown it.
FEED_PAST_DAYS = 31


def feed_token(feed: CalendarFeed) -> str:
    return signing.dumps({"u": feed.user_id, "v": feed.version}, salt=FEED_SALT, compress=True)


def feed_from_token(token: str) -> CalendarFeed | None:
    """The feed a token opens, or None when it is forged, reset or turned off."""
    try:
        payload = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(user_id=payload.get("u"), version=payload.get("v"), enabled=True)
        .first()
    )
    return feed if feed is not None and feed.user.is_active else None


def feed_activities(feed: CalendarFeed, *, now: datetime.datetime | None = None) -> list[Activity]:
    since = (now or timezone.now()) - datetime.timedelta(days=FEED_PAST_DAYS)
    return list(
        Activity.objects.filter(assignee_id=feed.user_id, when__gte=since)
        .select_related("type", "organization")
        .prefetch_related("people")
        .order_by("when", "id")
    )


def calendar_for(activities: Iterable[Activity], *, name: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Sampo CRM//sampo//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for activity in activities:
        calendar.add_component(_event(activity))
    return calendar.to_ical()


def _event(activity: Activity) -> Event:
    event = Event()
    # Stable across feed refreshes, so a calendar app updates the event instead of adding one.
    event.add("uid", f"activity-{activity.pk}@{urlsplit(settings.SITE_URL).hostname}")
    event.add("dtstamp", activity.updated_at)
    event.add("last-modified", activity.updated_at)
    event.add("summary", f"{activity.type}: {activity.subject}")
    if activity.has_time:
        event.add("dtstart", activity.when)
        minutes = activity.duration_minutes or DEFAULT_MINUTES
        event.add("dtend", activity.when + datetime.timedelta(minutes=minutes))
    else:
        # A day without a set time is an all-day event (DTEND is exclusive).
        event.add("dtstart", activity.day)
        event.add("dtend", activity.day + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    event.add(
        "status", "CANCELLED" if activity.status == Activity.Status.CANCELLED else "CONFIRMED"
    )
    record = next(iter(activity.people.all()), None) or activity.organization
    if record is not None:
        event.add("url", settings.SITE_URL + record.get_absolute_url())
    event.add("description", _description(activity))
    return event


def _description(activity: Activity) -> str:
    lines = []
    if activity.organization is not None:
        lines.append(_("Organization: %(name)s") % {"name": activity.organization})
    people = ", ".join(str(person) for person in activity.people.all())
    if people:
        lines.append(_("People: %(names)s") % {"names": people})
    if activity.status == Activity.Status.DONE and activity.outcome:
        lines.append(_("Outcome: %(outcome)s") % {"outcome": activity.outcome})
    if activity.body:
        lines.extend(["", activity.body])
    return "\n".join(lines)
