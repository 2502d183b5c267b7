"""A seller logs a call on a customer, plans the follow-up, finds it in My day and marks it
done, which offers the next step."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from sampo.activities.models import Activity
from sampo.contacts import services as contacts
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_log_a_call_plan_the_follow_up_and_mark_it_done(page: Page, seller, screenshot):
    company = contacts.organization_create(actor=seller, values={"name": "Kahvila Aalto Oy"})
    buyer = contacts.person_create(
        actor=seller,
        values={"first_name": "Liisa", "last_name": "Aalto"},
        organization=company,
    )
    log_in(page, seller, next_path=buyer.get_absolute_url())

    page.get_by_role("button", name="Log a call").click()
    page.fill("input[name=subject]", "Asked about the spring menu")
    page.fill("textarea[name=body]", "Wants **two** tasting days")
    screenshot("log-a-call")
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Asked about the spring menu")
    expect(timeline.locator("strong", has_text="two")).to_be_visible()

    page.get_by_role("button", name="Plan a follow-up").click()
    page.fill("input[name=subject]", "Send the tasting offer")
    page.fill("input[name=day]", timezone.localdate().isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="Schedule").click()
    expect(page.locator(".messages")).to_contain_text("The follow-up was scheduled.")

    page.get_by_role("link", name="My day").click()
    today = page.locator("section", has=page.locator("#today-title"))
    expect(today).to_contain_text("Send the tasting offer")
    expect(today).to_contain_text("Liisa Aalto")
    screenshot("my-day")
    with page.expect_navigation():
        today.get_by_role("button", name="Done").click()

    expect(page.locator("h1")).to_have_text("Plan a follow-up")
    expect(page.locator("body")).to_contain_text("Marked as done. What is the next step?")
    screenshot("next-step-offered")
    follow_up = Activity.objects.get(subject="Send the tasting offer")
    assert follow_up.status == Activity.Status.DONE
    page.goto("/my-day/")
    expect(page.locator("section", has=page.locator("#today-title"))).to_contain_text(
        "Nothing planned for today."
    )
