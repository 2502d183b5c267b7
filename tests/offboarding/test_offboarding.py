"""Off-boarding hands a departing seller's book to colleagues: customers dealt out in turn,
each customer's people, open deals and planned work with it, the past left as it was."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sampo.accounts import offboarding
from sampo.activities import services as activities
from sampo.activities.models import Activity, ActivityType
from sampo.contacts import services as contacts
from sampo.contacts.models import Organization, Person
from sampo.core.models import AuditEvent
from sampo.core.selectors import history_of
from sampo.sales import services as sales
from sampo.sales.models import LostReason, Opportunity


@pytest.fixture
def book(seller) -> dict[str, Any]:
    """A seller's book: two customers (one with a contact, a deal and a planned call), a
    consumer, a lost deal and a call already made."""
    call = ActivityType.objects.get(code="call")
    first = contacts.organization_create(actor=seller, values={"name": "Aalto Oy"})
    second = contacts.organization_create(actor=seller, values={"name": "Berg Oy"})
    contact = contacts.person_create(
        actor=seller, values={"first_name": "Maija", "last_name": "Lehtonen"}, organization=first
    )
    consumer = contacts.person_create(
        actor=seller, values={"first_name": "Ville", "last_name": "Koski"}
    )
    open_deal = sales.opportunity_create(
        actor=seller, values={"title": "Spring delivery", "organization": first}
    )
    lost_deal = sales.opportunity_create(
        actor=seller, values={"title": "Old tender", "organization": second}
    )
    sales.opportunity_mark_lost(
        actor=seller,
        opportunity=lost_deal,
        reason=LostReason.objects.get(code="price"),
        note="",
        expected_version=lost_deal.version,
    )
    planned = activities.activity_schedule(
        actor=seller,
        type=call,
        subject="Call about the offer",
        day=timezone.localdate() + datetime.timedelta(days=2),
        time=datetime.time(10, 0),
        organization=first,
    )
    done = activities.activity_log(
        actor=seller, type=call, subject="First call", when=timezone.now(), organization=first
    )
    return {
        "first": first,
        "second": second,
        "contact": contact,
        "consumer": consumer,
        "open_deal": open_deal,
        "lost_deal": lost_deal,
        "planned": planned,
        "done": done,
    }


def _owners(book: dict[str, Any]) -> dict[str, str]:
    return {
        "first": Organization.objects.get(pk=book["first"].pk).owner.email,
        "second": Organization.objects.get(pk=book["second"].pk).owner.email,
        "contact": Person.objects.get(pk=book["contact"].pk).owner.email,
        "consumer": Person.objects.get(pk=book["consumer"].pk).owner.email,
        "open_deal": Opportunity.objects.get(pk=book["open_deal"].pk).owner.email,
        "lost_deal": Opportunity.objects.get(pk=book["lost_deal"].pk).owner.email,
        "planned": Activity.objects.get(pk=book["planned"].pk).assignee.email,
        "done": Activity.objects.get(pk=book["done"].pk).assignee.email,
    }


def test_the_preview_deals_customers_out_in_turn_and_changes_nothing(
    admin, seller, teammate, manager, book
):
    plan = offboarding.offboarding_plan(actor=admin, user=seller, recipients=[teammate, manager])

    table = {str(row["label"]): row["counts"] for row in plan.table()}
    assert table == {
        "organizations": [1, 1],
        "people": [2, 0],  # the contact goes with Aalto Oy; the consumer is dealt next
        "open leads and opportunities": [1, 0],
        "planned activities": [1, 0],
    }
    assert plan.total == 6
    assert set(_owners(book).values()) == {seller.email}


def test_it_hands_the_book_over_keeps_the_past_and_deactivates_the_seller(
    admin, seller, teammate, manager, book
):
    offboarding.user_offboard(actor=admin, user=seller, recipients=[teammate, manager])

    assert _owners(book) == {
        "first": teammate.email,
        "second": manager.email,
        "contact": teammate.email,
        "consumer": teammate.email,
        "open_deal": teammate.email,
        "lost_deal": seller.email,
        "planned": teammate.email,
        "done": seller.email,
    }
    seller.refresh_from_db()
    assert not seller.is_active
    change = history_of(book["first"]).first()
    assert change is not None
    assert (change.actor, change.changes[0]["field"]) == (admin, "owner")
    assert history_of(seller).filter(event="handed_over").exists()
    audited = AuditEvent.objects.get(action="offboarded")
    assert (audited.actor, audited.details["counts"]["organizations"]) == (admin, 2)


def test_a_timed_call_keeps_its_moment_dated_in_the_new_assignees_time_zone(
    admin, seller, teammate
):
    teammate.time_zone = "America/New_York"
    teammate.save(update_fields=["time_zone"])
    day = timezone.localdate() + datetime.timedelta(days=3)
    early = activities.activity_schedule(
        actor=seller,
        type=ActivityType.objects.get(code="call"),
        subject="Early call",
        day=day,
        time=datetime.time(1, 0),  # in Helsinki; the evening before in New York
    )

    offboarding.user_offboard(actor=admin, user=seller, recipients=[teammate])

    moved = Activity.objects.get(pk=early.pk)
    assert (moved.assignee, moved.when) == (teammate, early.when)
    assert moved.day == day - datetime.timedelta(days=1)


@pytest.mark.parametrize(
    "case", ["not an admin", "to themselves", "to a deactivated user", "to nobody"]
)
def test_a_refused_handover_writes_nothing(case, admin, manager, seller, teammate, book):
    actor, recipients, error = admin, [teammate], ValidationError
    if case == "not an admin":
        actor, error = manager, PermissionDenied
    elif case == "to themselves":
        recipients = [seller]
    elif case == "to a deactivated user":
        teammate.is_active = False
        teammate.save(update_fields=["is_active"])
    else:
        recipients = []

    with pytest.raises(error):
        offboarding.user_offboard(actor=actor, user=seller, recipients=recipients)

    assert set(_owners(book).values()) == {seller.email}
    seller.refresh_from_db()
    assert seller.is_active


def test_the_page_previews_then_hands_over(client, admin, manager, seller, teammate, book):
    url = f"/admin/users/{seller.pk}/offboard/"
    client.force_login(manager)
    assert client.get(url).status_code == 403
    client.force_login(admin)

    preview = client.post(url, {"recipients": [teammate.pk], "preview": "1"})
    assert 'data-testid="handover-preview"' in preview.content.decode()
    assert set(_owners(book).values()) == {seller.email}

    done = client.post(url, {"recipients": [teammate.pk], "confirm": "1"})
    assert done.status_code == 302
    assert _owners(book)["second"] == teammate.email
