"""A salesperson cannot open a colleague's opportunity in another team by its address, and the
page does not hint that it exists."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sampo.accounts.models import Team
from sampo.sales import services as sales
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_colleagues_private_opportunity_is_not_found_by_url(
    page: Page, seller, outsider, screenshot
):
    team = Team.objects.create(name="Myynti Etelä")
    team.members.set([seller])
    deal = sales.opportunity_create(actor=seller, values={"title": "Salainen laajennus"})
    log_in(page, outsider)

    response = page.goto(deal.get_absolute_url())

    assert response is not None
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("Salainen laajennus")
    screenshot("not-found")
    page.goto("/sales/opportunities/")
    expect(page.locator("main")).not_to_contain_text("Salainen laajennus")
