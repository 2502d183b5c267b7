"""The bell on a phone: it shows the unread count, opens a dropdown loaded by HTMX (no inline
script: the CSP forbids it), and a click on a notification marks it read and follows it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sampo.contacts import services as contacts
from sampo.notifications.models import Notification
from sampo.notifications.services import notify
from tests.browser.conftest import log_in
from tests.browser.test_small_screens import PHONE, assert_fits_width, assert_on_screen

pytestmark = pytest.mark.browser


def test_it_opens_the_bell_and_follows_a_notification_on_a_phone(
    page: Page, screenshot, seller, manager
) -> None:
    organization = contacts.organization_create(
        actor=seller, values={"name": "Rakennus Virtanen Oy"}
    )
    notify(
        recipient=seller,
        kind="overdue_alert",
        text="Laura's follow-up “Tarjouksen seuranta, pitkä aihe joka ei mahdu riville” is overdue",
        url=organization.get_absolute_url(),
        actor=manager,
    )
    notify(recipient=seller, kind="activity_due", text="Due now: Call", url="/my-day/")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.set_viewport_size(PHONE)
    log_in(page, seller, next_path="/my-day/")

    bell = page.get_by_test_id("notification-bell")
    expect(page.get_by_test_id("unread-count")).to_have_text("2")
    bell.click()
    item = page.locator(".notification-menu button", has_text="Tarjouksen seuranta")
    expect(item).to_be_visible()
    assert_on_screen(item, PHONE["width"])
    assert_fits_width(page, PHONE["width"])
    screenshot("bell-open")

    item.click()

    expect(page).to_have_url(re.compile(re.escape(organization.get_absolute_url()) + "$"))
    expect(page.get_by_test_id("unread-count")).to_have_text("1")
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    assert not [e for e in errors if "Content Security Policy" in e], errors
