"""A salesperson whose role requires two-factor login is sent to set it up at login, scans
(here: reads) the secret, confirms with a code, keeps the recovery codes, logs out, and logs
back in with a code from the app."""

from __future__ import annotations

import time

import pyotp
import pytest
from playwright.sync_api import Page, expect

from sampo.accounts import two_factor
from sampo.accounts.models import Role
from sampo.core.models import AuditEvent
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_it_enrols_at_login_and_logs_back_in_with_a_code(page: Page, admin, seller, screenshot):
    two_factor.policy_update(
        actor=admin, everyone=False, roles=[Role.objects.get(code=Role.SALESPERSON)]
    )
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    log_in(page, seller)
    expect(page).to_have_url("/profile/two-factor/")
    page.goto("/organizations/")
    expect(page).to_have_url("/profile/two-factor/")
    screenshot("enrolment-required")

    with page.expect_navigation():
        page.get_by_role("button", name="Set up two-factor login").click()
    expect(page).to_have_url("/profile/two-factor/confirm/")
    expect(page.locator(".qr svg")).to_be_visible()
    screenshot("qr-code")
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)

    page.fill("input[name=code]", totp.now())
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on").click()
    codes = page.locator("#recovery-codes li")
    expect(codes).to_have_count(10)
    screenshot("recovery-codes")
    with page.expect_navigation():
        page.get_by_role("button", name="I have saved them").click()
    expect(page.locator("#two-factor-state")).to_contain_text("On")
    page.goto("/organizations/")
    expect(page).to_have_url("/organizations/")

    page.click(f"summary:has-text('{seller.name}')")
    with page.expect_navigation():
        page.get_by_test_id("logout").click()
    expect(page).to_have_url("/login/")

    page.fill("input[name=username]", seller.email)
    page.fill("input[name=password]", "correct horse battery staple")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    expect(page).to_have_url("/login/code/")
    page.goto("/organizations/")
    expect(page).to_have_url("/login/?next=/organizations/")
    page.goto("/login/code/")
    screenshot("code-asked")

    # The next time step's code: the one of the enrolment's step was used up already.
    page.fill("input[name=code]", totp.at(time.time() + 30))
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url("/")
    expect(page.locator("h1")).to_have_text(f"Welcome, {seller.name}")
    screenshot("logged-in")

    assert refused == [], "the set-up works under the Content Security Policy"
    assert AuditEvent.objects.filter(actor=seller, action="login").count() == 2


def test_the_set_up_fits_a_phone(page: Page, seller, screenshot):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, seller)
    page.goto("/profile/two-factor/")
    with page.expect_navigation():
        page.get_by_role("button", name="Set up two-factor login").click()

    box = page.locator(".qr svg").bounding_box()
    assert box is not None
    assert box["width"] > 150, "big enough to scan"
    assert box["x"] + box["width"] <= 375
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "nothing scrolls sideways"
    screenshot("set-up-phone")
