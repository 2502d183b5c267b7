from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from sampo.activities import calendar, services
from sampo.activities.models import ActivityType


def _feed_url(user) -> str:
    feed = services.calendar_feed_for(user=user)
    return reverse("activities:calendar_feed", args=[calendar.feed_token(feed)])


def _events(response) -> dict[str, Any]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    parsed = Calendar.from_ical(response.content)
    return {str(event["summary"]): event for event in parsed.walk("VEVENT")}


def _plan(user, call_type, days: int, subject: str, time: datetime.time | None = None, **extra):
    return services.activity_schedule(
        actor=user,
        type=call_type,
        subject=subject,
        day=timezone.localdate() + datetime.timedelta(days=days),
        time=time,
        **extra,
    )


def test_it_serves_the_users_planned_activities_to_a_calendar_app_without_a_login(
    client, seller, teammate, call_type, organization, contact
):
    timed = _plan(
        seller,
        call_type,
        1,
        "Offer walkthrough",
        datetime.time(9, 30),
        duration_minutes=45,
        organization=organization,
        people=[contact],
    )
    _plan(seller, call_type, 2, "Call back some time that day")
    _plan(teammate, call_type, 1, "Teammate's call")

    events = _events(client.get(_feed_url(seller)))

    assert set(events) == {"Call: Offer walkthrough", "Call: Call back some time that day"}
    offer = events["Call: Offer walkthrough"]
    assert offer["dtstart"].dt == timed.when
    assert offer["dtend"].dt - offer["dtstart"].dt == datetime.timedelta(minutes=45)
    assert str(offer["uid"]).startswith(f"activity-{timed.pk}@")
    assert "Rakennus Virtanen Oy" in str(offer["description"])
    assert str(offer["url"]).endswith(contact.get_absolute_url())
    all_day = events["Call: Call back some time that day"]["dtstart"].dt
    assert all_day == timezone.localdate() + datetime.timedelta(days=2)
    assert not isinstance(all_day, datetime.datetime)


def test_a_cancelled_activity_stays_in_the_feed_as_cancelled_so_calendars_remove_it(
    client, seller, call_type
):
    activity = _plan(seller, call_type, 1, "Meeting that fell through", datetime.time(10))
    services.activity_cancel(actor=seller, activity=activity)

    events = _events(client.get(_feed_url(seller)))

    assert str(events["Call: Meeting that fell through"]["status"]) == "CANCELLED"


def test_the_feed_speaks_its_owners_language(client, seller, call_type):
    seller.language = "fi"
    seller.save(update_fields=["language"])
    _plan(seller, call_type, 1, "Tarjous")

    events = _events(client.get(_feed_url(seller)))

    assert list(events) == ["Puhelu: Tarjous"]


def test_a_new_address_turns_the_old_one_off(client, seller, call_type):
    old = _feed_url(seller)
    services.calendar_feed_reset(user=seller)

    assert client.get(old).status_code == 404
    assert client.get(_feed_url(seller)).status_code == 200


def test_a_turned_off_feed_or_a_forged_or_a_deactivated_users_address_shows_nothing(
    client, seller, teammate
):
    url = _feed_url(seller)
    forged = url.replace(".ics", "x.ics")
    services.calendar_feed_disable(user=seller)
    teammates = _feed_url(teammate)
    teammate.is_active = False
    teammate.save(update_fields=["is_active"])

    assert client.get(url).status_code == 404
    assert client.get(forged).status_code == 404
    assert client.get(teammates).status_code == 404


def test_the_settings_page_shows_the_address_and_makes_a_new_one(client, seller):
    client.force_login(seller)
    first = client.get("/calendar/").context["feed_url"]

    response = client.post("/calendar/reset/")

    assert response.status_code == 302
    second = client.get("/calendar/").context["feed_url"]
    assert first.startswith("http://testserver/calendar/feed/")
    assert second != first
    assert client.get("/calendar/", follow=False).status_code == 200


def test_one_activity_downloads_as_an_ics_file_for_users_who_may_see_it(client, seller, call_type):
    activity = _plan(seller, call_type, 3, "Site visit", datetime.time(13))
    url = f"/activities/{activity.pk}/calendar.ics"

    anonymous = client.get(url)
    client.force_login(seller)
    response = client.get(url)

    assert anonymous.status_code == 302
    assert "attachment" in response["Content-Disposition"]
    assert list(_events(response)) == ["Call: Site visit"]


def test_the_feed_needs_the_same_queries_for_one_and_fifty_activities(
    client, seller, call_type, organization, contact
):
    url = _feed_url(seller)
    meeting = ActivityType.objects.get(code="meeting")
    _plan(seller, call_type, 1, "First", organization=organization, people=[contact])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    one = queries()
    for number in range(49):
        _plan(seller, meeting, number % 7, f"Meeting {number}", people=[contact])
    assert queries() == one
