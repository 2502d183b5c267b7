"""The timeline interleaves the record's own changes with its activities."""

from __future__ import annotations

import datetime

from django.utils import timezone

from sampo.activities import selectors, services
from sampo.contacts import services as contacts
from sampo.core.models import HistoryEntry
from sampo.core.selectors import history_of


def _log(user, activity_type, subject: str, when: datetime.datetime, **links):
    return services.activity_log(
        actor=user, type=activity_type, subject=subject, when=when, **links
    )


def _rename(organization, name: str, *, actor, at: datetime.datetime) -> HistoryEntry:
    contacts.organization_update(
        actor=actor,
        organization=organization,
        values={"name": name},
        expected_version=organization.version,
    )
    organization.refresh_from_db()
    entry = HistoryEntry.objects.filter(action=HistoryEntry.Action.CHANGED).latest("id")
    HistoryEntry.objects.filter(pk=entry.pk).update(created_at=at)
    return entry


def _lines(page: selectors.TimelinePage) -> list[str]:
    return [e.activity.subject if e.activity else f"change {e.order[2]}" for e in page.entries]


def test_it_interleaves_changes_with_activities_newest_first(seller, call_type, organization):
    now = timezone.now()
    HistoryEntry.objects.update(created_at=now - datetime.timedelta(days=3))
    _log(
        seller, call_type, "First call", now - datetime.timedelta(days=2), organization=organization
    )
    renamed = _rename(
        organization, "Virtanen Rakennus Oy", actor=seller, at=now - datetime.timedelta(days=1)
    )
    _log(
        seller,
        call_type,
        "Second call",
        now - datetime.timedelta(hours=1),
        organization=organization,
    )

    page = selectors.timeline(user=seller, record=organization)

    created = history_of(organization).get(action=HistoryEntry.Action.CREATED)
    assert _lines(page) == [
        "Second call",
        f"change {renamed.pk}",
        "First call",
        f"change {created.pk}",
    ]


def test_it_pages_activities_and_changes_of_the_same_moment_without_gaps_or_repeats(
    seller, call_type, organization
):
    moment = timezone.now() - datetime.timedelta(hours=2)
    HistoryEntry.objects.update(created_at=moment)
    for number in range(7):
        _log(seller, call_type, f"Call {number}", moment, organization=organization)
        _rename(organization, f"Virtanen {number} Oy", actor=seller, at=moment)
    _log(
        seller,
        call_type,
        "Earlier call",
        moment - datetime.timedelta(minutes=1),
        organization=organization,
    )
    everything = _lines(selectors.timeline(user=seller, record=organization, limit=100))

    seen, cursor = [], ""
    while True:
        page = selectors.timeline(user=seller, record=organization, cursor=cursor, limit=3)
        seen += _lines(page)
        if not page.next_cursor:
            break
        cursor = page.next_cursor

    assert len(everything) == 16  # 8 calls, 7 renames and the creation
    assert seen == everything
    assert everything[-1] == "Earlier call"


def test_the_changes_filter_shows_only_the_record_changes(client, seller, call_type, organization):
    _log(seller, call_type, "Phoned the buyer", timezone.now(), organization=organization)
    _rename(organization, "Virtanen Rakennus Oy", actor=seller, at=timezone.now())
    client.force_login(seller)

    changes = client.get(
        "/activities/timeline/",
        {"organization": organization.pk, "type": selectors.CHANGES},
        headers={"HX-Request": "true"},
    ).content.decode()
    calls = client.get(
        "/activities/timeline/",
        {"organization": organization.pk, "type": "call"},
        headers={"HX-Request": "true"},
    ).content.decode()

    assert "Virtanen Rakennus Oy" in changes
    assert "Phoned the buyer" not in changes
    assert "Phoned the buyer" in calls
    assert "history-entry" not in calls


def test_the_person_page_shows_its_changes_in_the_timeline(client, seller, contact):
    contacts.person_update(
        actor=seller,
        person=contact,
        values={"job_title": "Ostopäällikkö"},
        expected_version=contact.version,
    )
    client.force_login(seller)

    page = client.get(f"/people/{contact.pk}/").content.decode()

    timeline = page[page.index('id="timeline"') :]
    assert "Ostopäällikkö" in timeline
    assert 'class="history"' not in page  # no separate history section any more
