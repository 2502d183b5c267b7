"""A record shared with a colleague or a team reaches them beyond their role's rights."""

from __future__ import annotations

import pytest

from sampo.accounts.models import RecordShare, Team
from sampo.core.selectors import history_of
from sampo.sales import services as sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(seller, sales_team):
    return sales.opportunity_create(actor=seller, values={"title": "Salainen kauppa"})


def test_a_shared_deal_can_be_read_then_changed_then_no_longer_seen(client, seller, outsider, deal):
    client.force_login(outsider)
    assert client.get(deal.get_absolute_url()).status_code == 404
    assert "Salainen kauppa" not in client.get("/sales/opportunities/").content.decode()

    client.force_login(seller)
    client.post(f"/share/sales.opportunity/{deal.pk}/", {"user": outsider.pk})
    client.force_login(outsider)
    assert client.get(deal.get_absolute_url()).status_code == 200
    assert "Salainen kauppa" in client.get("/sales/opportunities/").content.decode()
    assert client.get(f"/sales/opportunities/{deal.pk}/edit/").status_code == 403

    RecordShare.objects.update(can_edit=True)
    assert client.get(f"/sales/opportunities/{deal.pk}/edit/").status_code == 200

    client.force_login(seller)
    share = RecordShare.objects.get()
    client.post(f"/shares/{share.pk}/remove/")
    client.force_login(outsider)
    assert client.get(deal.get_absolute_url()).status_code == 404
    assert set(history_of(deal).values_list("event", flat=True)) >= {"shared", "unshared"}


def test_sharing_with_a_team_reaches_its_members(client, seller, outsider, admin, deal):
    other_team = Team.objects.create(name="Vienti")
    other_team.members.set([outsider])
    client.force_login(seller)

    client.post(f"/share/sales.opportunity/{deal.pk}/", {"team": other_team.pk, "can_edit": "on"})

    client.force_login(outsider)
    assert client.get(f"/sales/opportunities/{deal.pk}/edit/").status_code == 200


def test_only_who_may_change_a_record_shares_it(client, teammate, outsider, deal):
    client.force_login(teammate)  # sees the team's deal, may not change it
    refused = client.post(f"/share/sales.opportunity/{deal.pk}/", {"user": outsider.pk})
    assert refused.status_code == 403
    client.force_login(outsider)  # does not even see it
    hidden = client.post(f"/share/sales.opportunity/{deal.pk}/", {"user": outsider.pk})
    assert hidden.status_code == 404
    assert not RecordShare.objects.exists()


def test_choosing_nobody_is_a_clear_error(client, seller, deal):
    client.force_login(seller)

    response = client.post(f"/share/sales.opportunity/{deal.pk}/", {})

    assert "Choose a colleague or a team." in response.content.decode()
    assert not RecordShare.objects.exists()
