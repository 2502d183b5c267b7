"""An admin off-boards a departing seller; the colleague finds the customers in their list."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sampo.contacts import services as contacts
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_an_admin_hands_a_sellers_customers_to_a_colleague(
    page: Page, admin, seller, teammate, screenshot
):
    contacts.organization_create(actor=seller, values={"name": "Kahvila Aalto Oy"})
    contacts.organization_create(actor=seller, values={"name": "Saha Järvinen Oy"})
    log_in(page, admin, next_path=f"/admin/users/{seller.pk}/")

    page.get_by_role("button", name="Hand over work").click()
    page.get_by_label(teammate.name).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()
    preview = page.get_by_test_id("handover-preview")
    expect(preview.locator("tr", has_text="Organizations")).to_contain_text("2")
    screenshot("preview")
    with page.expect_navigation():
        page.get_by_test_id("confirm-handover").click()
    expect(page.locator(".messages")).to_contain_text("Handed over 2 records")
    expect(page.locator("h1")).to_contain_text("Deactivated")

    page.context.clear_cookies()
    log_in(page, teammate, next_path=f"/organizations/?owner={teammate.pk}")
    expect(page.locator("main")).to_contain_text("Kahvila Aalto Oy")
    expect(page.locator("main")).to_contain_text("Saha Järvinen Oy")
    screenshot("colleagues-list")
