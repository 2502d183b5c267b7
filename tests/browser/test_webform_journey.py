"""A visitor fills in the public "request a demo" form (product: Sampo Cloud) and is thanked;
the rule sends the lead to Cloud sales, where the next colleague in turn finds the
notification, the lead with what was typed, and a first-contact call planned for them."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sampo.sales.assignment import services as assignment
from sampo.sales.models import Opportunity
from sampo.sales.tests.capture_fixtures import *  # noqa: F403
from tests.browser.conftest import log_in
from tests.browser.test_small_screens import PHONE, assert_fits_width

pytestmark = pytest.mark.browser


def test_a_demo_request_lands_with_the_next_colleague_of_the_cloud_team(
    page: Page, screenshot, admin, demo_form, demo_rule, cloud, cloud_team
):
    # Aino took the last lead: Béla is next in turn.
    aino = cloud_team.members.get(name="Aino Aalto")
    with assignment.transaction.atomic():
        assert assignment.round_robin_pick(cloud_team) == (aino, False)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size(PHONE)

    page.goto(f"/forms/{demo_form.key}/")
    form = page.get_by_test_id("public-form")
    expect(page.locator("h1")).to_have_text("Request a demo")
    assert_fits_width(page, PHONE["width"])
    expect(page.locator(".hp input")).not_to_be_in_viewport()
    form.get_by_label("Your name").fill("Eszter Szabó")
    form.get_by_label("Company").fill("Szabó Design Kft.")
    form.get_by_label("Email").fill("eszter@szabo-design")
    form.get_by_label("Product").select_option(label="Sampo Cloud")
    with page.expect_navigation():
        form.get_by_role("button", name="Send").click()
    expect(page.locator(".field-error")).to_have_text("Enter a valid email address.")
    screenshot("invalid-email")
    form.get_by_label("Email").fill("eszter@szabo-design.example")
    form.get_by_label("Country").select_option(label="Hungary")
    form.get_by_label("Message").fill("A demo for our team of five, please.")
    with page.expect_navigation():
        form.get_by_role("button", name="Send").click()
    expect(page.get_by_test_id("thanks")).to_contain_text("Thanks! We will call you within a day.")
    expect(page.get_by_test_id("thanks")).to_contain_text("Your reference:")
    screenshot("thanked")

    lead = Opportunity.objects.get(title="Request a demo: Szabó Design Kft.")
    bela = cloud_team.members.get(name="Béla Balogh")
    assert lead.owner == bela
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, bela, next_path="/")

    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    page.get_by_test_id("notification-bell").click()
    item = page.locator(".notification-menu button", has_text="A new lead for you")
    expect(item).to_contain_text("Request a demo: Szabó Design Kft.")
    screenshot("notified")
    item.click()

    expect(page).to_have_url(re.compile(re.escape(lead.get_absolute_url()) + "$"))
    main = page.locator("main")
    expect(main).to_contain_text("Eszter Szabó")
    expect(main).to_contain_text("eszter@szabo-design.example")
    expect(main).to_contain_text("First contact: Request a demo: Szabó Design Kft.")
    expect(main).to_contain_text("Sampo Cloud")
    expect(page.locator("#timeline")).to_contain_text("created the lead from a web form")
    screenshot("lead-with-the-right-person")
    assert not [e for e in errors if "Content Security Policy" in e], errors
