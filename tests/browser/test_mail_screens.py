"""The email screens on a 375 px phone: the message (with wide HTML inside), compose, the
unmatched inbox and its resolve page, and the template admin pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sampo.contacts import services as contacts
from sampo.mail import services as mail
from sampo.mail.tests import samples
from tests.browser.conftest import log_in
from tests.browser.test_small_screens import PHONE, assert_fits_width

pytestmark = pytest.mark.browser

WIDE_HTML = samples.raw("""
From: Laaja Uutiskirje <news@wide.example>
To: crm@sampo.example
Subject: A newsletter with a very wide table and a long unbroken word
Date: Thu, 05 Mar 2026 10:00:00 +0000
Message-ID: <wide-1@wide.example>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<table width="900"><tr><td width="450">Left column</td><td width="450">Right</td></tr></table>
<p>Aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</p>
<img src="https://tracker.example/pixel.gif" width="800" height="10">
""")


@pytest.fixture
def mail_screens(admin, seller) -> dict[str, str]:
    person = contacts.person_create(
        actor=seller,
        values={"first_name": "Maija", "last_name": "Lehtonen", "email": "maija@virtanen.example"},
    )
    template = mail.email_template_create(
        actor=admin, name="Follow-up", subject="Hi", body="Hello {{ person.first_name }}"
    )
    unmatched = mail.email_receive(raw_bytes=WIDE_HTML).message
    return {
        "message": f"/mail/messages/{unmatched.pk}/",
        "compose": f"/people/{person.pk}/email/?template={template.pk}",
        "unmatched": "/mail/unmatched/",
        "resolve": f"/mail/unmatched/{unmatched.pk}/",
        "templates": "/admin/email-templates/",
        "template": f"/admin/email-templates/{template.pk}/",
        "person": f"/people/{person.pk}/",
    }


def test_every_email_screen_fits_a_375_px_screen(page: Page, screenshot, admin, mail_screens):
    log_in(page, admin)
    page.set_viewport_size(PHONE)
    for name, path in mail_screens.items():
        page.goto(path)
        expect(page.locator("main h1")).to_be_visible()
        assert_fits_width(page, PHONE["width"])
        screenshot(name)


def test_the_message_page_loads_no_external_image_and_runs_no_script(
    page: Page, admin, mail_screens
):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, admin)

    page.goto(mail_screens["message"])
    expect(page.get_by_text("Left column")).to_be_visible()

    assert not [url for url in requested if "tracker.example" in url]
