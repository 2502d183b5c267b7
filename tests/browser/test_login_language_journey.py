"""A user logs in, switches the interface to Finnish from the footer, and logs out."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_it_switches_to_finnish_and_keeps_it_after_logging_out(page: Page, seller, screenshot):
    page.goto("/")
    expect(page).to_have_url("/login/?next=/")
    screenshot("login-page-english")
    log_in(page, seller)

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text(f"Welcome, {seller.name}")
    screenshot("home-english")

    with page.expect_navigation():
        page.select_option("#language-select", "fi")
    expect(page).to_have_url("/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.locator("#language-select")).to_have_value("fi")
    screenshot("home-finnish")
    seller.refresh_from_db(fields=["language"])
    assert seller.language == "fi", "the choice is stored on the user"
    expect(page.locator("h1")).to_have_text(f"Tervetuloa, {seller.name}")

    page.click(f"summary:has-text('{seller.name}')")
    logout = page.get_by_test_id("logout")
    expect(logout).to_be_visible()
    expect(logout).to_have_text("Kirjaudu ulos")
    screenshot("user-menu-finnish")
    with page.expect_navigation():
        logout.click()

    expect(page).to_have_url("/login/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.locator("main button[type=submit]")).to_have_text("Kirjaudu sisään")
    screenshot("logged-out-finnish")
