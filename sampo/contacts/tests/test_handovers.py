"""A seller asks for a colleague's customer; the owner, their team leader or an admin answers,
and either way the record's history and the notifications say so."""

from __future__ import annotations

import pytest

from sampo.contacts.handovers.models import HandoverRequest
from sampo.contacts.models import Organization
from sampo.core.selectors import history_of
from sampo.notifications.models import Notification


@pytest.fixture
def asked(client, outsider, organization, sales_team) -> HandoverRequest:
    client.force_login(outsider)
    response = client.post(
        f"/organizations/{organization.pk}/handover/",
        {"reason": "I have known their CEO for years."},
    )
    assert response.status_code == 302
    return HandoverRequest.objects.get()


def test_the_owner_and_their_team_leader_are_asked_and_see_the_request(
    client, asked, seller, manager, organization
):
    notified = Notification.objects.filter(kind="handover_requested")
    assert sorted(n.recipient.email for n in notified) == [manager.email, seller.email]
    assert history_of(organization).filter(event="handover_requested").exists()

    client.force_login(seller)
    page = client.get(f"/organizations/{organization.pk}/").content.decode()
    assert "I have known their CEO for years." in page
    assert "Ask to take over" not in page


def test_the_owner_hands_the_customer_over(client, asked, seller, outsider, organization):
    client.force_login(seller)

    client.post(f"/handovers/{asked.pk}/answer/", {"decision": "accept", "answer": "Good luck!"})

    organization.refresh_from_db()
    assert organization.owner == outsider
    asked.refresh_from_db()
    assert (asked.status, asked.decided_by, asked.answer) == ("accepted", seller, "Good luck!")
    events = set(history_of(organization).values_list("event", flat=True))
    assert {"handover_requested", "handover_accepted"} <= events
    assert Notification.objects.filter(recipient=outsider, kind="handover_accepted").exists()


def test_a_decline_needs_an_answer_and_is_recorded(client, asked, seller, outsider, organization):
    client.force_login(seller)

    client.post(f"/handovers/{asked.pk}/answer/", {"decision": "decline", "answer": ""})
    asked.refresh_from_db()
    assert asked.status == "pending"

    client.post(
        f"/handovers/{asked.pk}/answer/", {"decision": "decline", "answer": "We sign next week."}
    )
    asked.refresh_from_db()
    organization.refresh_from_db()
    assert (asked.status, organization.owner) == ("declined", seller)
    assert history_of(organization).filter(event="handover_declined").exists()
    assert Notification.objects.filter(recipient=outsider, kind="handover_declined").exists()


def test_the_team_leader_may_answer_but_another_colleague_may_not(
    client, asked, manager, teammate, outsider, organization
):
    client.force_login(teammate)
    refused = client.post(f"/handovers/{asked.pk}/answer/", {"decision": "accept"})
    assert refused.status_code == 404
    assert Organization.objects.get(pk=organization.pk).owner != outsider

    client.force_login(manager)
    client.post(f"/handovers/{asked.pk}/answer/", {"decision": "accept"})
    assert Organization.objects.get(pk=organization.pk).owner == outsider


def test_asking_again_or_for_ones_own_customer_is_refused(
    client, asked, seller, outsider, organization
):
    client.force_login(outsider)
    again = client.post(
        f"/organizations/{organization.pk}/handover/", {"reason": "Please, once more."}
    )
    assert "already asked" in again.content.decode()
    client.force_login(seller)
    assert client.get(f"/organizations/{organization.pk}/handover/").status_code == 404
    assert HandoverRequest.objects.count() == 1


def test_the_requester_withdraws_and_the_list_shows_what_waits(client, asked, seller, outsider):
    client.force_login(seller)
    assert 'data-testid="handover-request"' in client.get("/handovers/").content.decode()

    client.force_login(outsider)
    client.post(f"/handovers/{asked.pk}/withdraw/")

    asked.refresh_from_db()
    assert asked.status == "withdrawn"
    client.force_login(seller)
    assert 'data-testid="handover-request"' not in client.get("/handovers/").content.decode()
