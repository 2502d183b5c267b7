from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sampo.activities import selectors, services
from sampo.activities.models import Activity


def _plan(user, call_type, days: int, subject: str = "Call", **kwargs):
    return services.activity_schedule(
        actor=user,
        type=call_type,
        subject=subject,
        day=timezone.localdate() + datetime.timedelta(days=days),
        **kwargs,
    )


def test_my_day_sorts_work_into_overdue_today_and_the_coming_week(
    client, seller, teammate, call_type
):
    _plan(seller, call_type, -2, "Overdue call")
    _plan(seller, call_type, 0, "Today's call")
    _plan(seller, call_type, 3, "Thursday's call")
    _plan(seller, call_type, 30, "Next month")
    _plan(teammate, call_type, 0, "Not mine")
    client.force_login(seller)

    context = client.get("/my-day/").context

    assert [a.subject for a in context["overdue"]] == ["Overdue call"]
    assert [a.subject for a in context["today"]] == ["Today's call"]
    assert [a.subject for a in context["upcoming"]] == ["Thursday's call"]


def test_a_manager_sees_the_teams_day(client, manager, seller, outsider, sales_team, call_type):
    _plan(seller, call_type, 0, "Seller's call")
    _plan(outsider, call_type, 0, "Outsider's call")
    client.force_login(manager)

    context = client.get("/my-day/", {"scope": "team"}).context

    assert [a.subject for a in context["today"]] == ["Seller's call"]


def test_my_day_needs_the_same_queries_for_one_and_fifty_activities(
    client, seller, call_type, organization, contact
):
    _plan(seller, call_type, 0, organization=organization, people=[contact])
    client.force_login(seller)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/my-day/").status_code == 200
        return len(captured)

    one = queries()
    for n in range(49):
        _plan(seller, call_type, n % 7, organization=organization, people=[contact])

    assert queries() == one


def test_done_offers_the_next_step_for_the_same_customer(client, seller, call_type, contact):
    planned = _plan(seller, call_type, 0, people=[contact])
    client.force_login(seller)

    response = client.post(f"/activities/{planned.pk}/done/")

    assert Activity.objects.get(pk=planned.pk).status == "done"
    assert response["Location"] == f"/activities/new/?mode=plan&person={contact.pk}"


def test_logging_a_call_from_a_person_page(client, seller, call_type, organization, contact):
    client.force_login(seller)

    form = client.get("/activities/new/", {"person": contact.pk})
    response = client.post(
        f"/activities/new/?person={contact.pk}",
        {
            "type": call_type.pk,
            "subject": "Kuulumiset",
            "people": [contact.pk],
            "when": "2026-11-20T10:30",
            "duration_minutes": "10",
        },
    )

    assert form.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == contact.get_absolute_url()
    activity = Activity.objects.get(subject="Kuulumiset")
    assert activity.organization == organization  # the person's organization
    assert list(activity.people.all()) == [contact]


def test_rescheduling_a_stale_version_is_refused(client, seller, call_type):
    planned = _plan(seller, call_type, 0)
    services.activity_reschedule(
        actor=seller, activity=planned, day=timezone.localdate(), time=datetime.time(10)
    )
    client.force_login(seller)

    response = client.post(
        f"/activities/{planned.pk}/reschedule/",
        {"day": "2027-01-01", "version": planned.version},
    )

    assert response.status_code == 200
    assert Activity.objects.get(pk=planned.pk).day == timezone.localdate()


def test_an_outsider_cannot_cancel_by_url(client, seller, outsider, call_type):
    planned = _plan(seller, call_type, 0)
    client.force_login(outsider)

    assert client.post(f"/activities/{planned.pk}/cancel/").status_code == 403
    assert Activity.objects.get(pk=planned.pk).status == "planned"


def test_it_shows_the_first_page_of_each_section_with_its_count_and_loads_the_rest(
    client, seller, call_type, monkeypatch
):
    monkeypatch.setattr(selectors, "MY_DAY_PAGE", 2)
    oldest = [_plan(seller, call_type, -5 + n, f"Overdue {n}") for n in range(3)]
    _plan(seller, call_type, 0, "Today's call")
    client.force_login(seller)

    page = client.get("/my-day/")
    more = client.get("/my-day/overdue/", {"offset": 2})

    context = page.context
    assert [a.subject for a in context["overdue"]] == ["Overdue 0", "Overdue 1"]
    assert context["overdue_count"] == 3
    assert context["overdue_more"]
    assert b'hx-get="/my-day/overdue/?offset=2"' in page.content
    assert [a.subject for a in context["today"]] == ["Today's call"]
    assert not context["today_more"]
    assert [a.pk for a in more.context["activities"]] == [oldest[2].pk]
    assert not more.context["has_more"]
    assert b"Show more" not in more.content


def test_it_loads_more_of_the_teams_day_for_a_manager_only_from_their_team(
    client, manager, seller, outsider, sales_team, call_type
):
    _plan(seller, call_type, -1, "Seller's call")
    _plan(outsider, call_type, -1, "Outsider's call")
    client.force_login(manager)

    team = client.get("/my-day/overdue/", {"scope": "team"}).context["activities"]
    mine = client.get("/my-day/overdue/").context["activities"]

    assert [a.subject for a in team] == ["Seller's call"]
    assert mine == []


def test_it_answers_an_unknown_section_with_404(client, seller):
    client.force_login(seller)

    assert client.get("/my-day/someday/").status_code == 404


def test_it_cancels_a_follow_up_planned_for_a_day_without_a_time(seller, call_type):
    planned = _plan(seller, call_type, 3, "Some time that day")

    cancelled = services.activity_cancel(actor=seller, activity=planned)

    assert (cancelled.status, cancelled.has_time) == (Activity.Status.CANCELLED, False)
