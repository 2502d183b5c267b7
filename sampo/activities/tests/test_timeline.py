from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sampo.activities import selectors, services
from sampo.activities.models import ActivityType
from sampo.core.models import HistoryEntry


def _log(user, activity_type, subject: str, minutes_ago: int, **links):
    return services.activity_log(
        actor=user,
        type=activity_type,
        subject=subject,
        when=timezone.now() - datetime.timedelta(minutes=minutes_ago),
        **links,
    )


def test_it_pages_a_long_history_newest_first_without_gaps_or_repeats(
    seller, call_type, organization
):
    for number in range(45):
        _log(seller, call_type, f"Call {number}", minutes_ago=number, organization=organization)

    subjects = []
    cursor = ""
    pages = 0
    while True:
        page = selectors.timeline(user=seller, record=organization, cursor=cursor)
        subjects += [e.activity.subject for e in page.entries if e.activity]
        pages += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor

    assert pages == 3  # 45 calls and the organization's creation
    assert subjects == [f"Call {number}" for number in range(45)]


def test_it_filters_the_timeline_by_type_in_place(client, seller, call_type, organization):
    note = ActivityType.objects.get(code="note")
    _log(seller, call_type, "Phoned the buyer", 10, organization=organization)
    _log(seller, note, "Prefers email", 5, organization=organization)
    client.force_login(seller)

    response = client.get(
        "/activities/timeline/",
        {"organization": organization.pk, "type": "note"},
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert "Prefers email" in page
    assert "Phoned the buyer" not in page
    assert "<html" not in page


def test_show_older_loads_the_next_rows_only(client, seller, call_type, contact):
    HistoryEntry.objects.update(created_at=timezone.now() - datetime.timedelta(days=30))
    for number in range(25):
        _log(seller, call_type, f"Call {number:02}", minutes_ago=number, people=[contact])
    client.force_login(seller)
    first = selectors.timeline(user=seller, record=contact)

    response = client.get(
        "/activities/timeline/",
        {"person": contact.pk, "cursor": first.next_cursor},
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert "Call 20" in page
    assert "Call 24" in page
    assert "Call 19" not in page
    assert "Show older" not in page


def test_without_javascript_the_timeline_is_a_page_of_its_own(client, seller, organization):
    client.force_login(seller)

    response = client.get("/activities/timeline/", {"organization": organization.pk})

    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert client.get("/activities/timeline/").status_code == 404
    assert client.get("/activities/timeline/", {"person": 999999}).status_code == 404


def test_a_bad_cursor_starts_from_the_newest(seller, call_type, organization):
    _log(seller, call_type, "Only call", 1, organization=organization)

    page = selectors.timeline(user=seller, record=organization, cursor="nonsense_x")

    assert [e.activity.subject for e in page.entries if e.activity] == ["Only call"]


def test_the_organization_page_needs_the_same_queries_for_one_and_fifty_activities(
    client, seller, call_type, organization, contact
):
    _log(seller, call_type, "First", 1, organization=organization, people=[contact])
    client.force_login(seller)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/organizations/{organization.pk}/").status_code == 200
        return len(captured)

    queries()  # warms the per-process caches (content types) a first page fills
    one = queries()
    for number in range(49):
        _log(seller, call_type, f"Call {number}", number + 2, people=[contact])
    assert queries() == one


def test_it_interleaves_the_organizations_own_activities_with_its_peoples_across_pages(
    seller, call_type, organization, contact
):
    # Its own calls fill the first page; its person's calls (logged without the company)
    # fall in between, some newer than the page's oldest own call, some older.
    for number in range(0, 60, 2):
        _log(seller, call_type, f"Call {number}", minutes_ago=number, organization=organization)
    for number in range(1, 60, 6):
        _log(seller, call_type, f"Call {number}", minutes_ago=number, people=[contact])

    subjects = []
    cursor = ""
    while True:
        page = selectors.timeline(user=seller, record=organization, cursor=cursor)
        subjects += [e.activity.subject for e in page.entries if e.activity]
        if not page.next_cursor:
            break
        cursor = page.next_cursor

    expected = sorted({*range(0, 60, 2), *range(1, 60, 6)})
    assert subjects == [f"Call {number}" for number in expected]
