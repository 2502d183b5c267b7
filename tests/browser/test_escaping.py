"""Whatever a user types into a free-text field is shown as text on every page that shows it:
a browser visits those pages and finds the payloads as text, never as elements or scripts.

The CSP would stop an injected script anyway; this test does not lean on it: it looks for the
injected element itself, which escaping alone must prevent."""

from __future__ import annotations

import datetime

import pytest
from django.db import models
from django.utils import timezone
from playwright.sync_api import Page, expect

from sampo.activities import services as activities
from sampo.activities.models import Activity, ActivityType
from sampo.contacts import services as contacts
from sampo.contacts.models import Organization, Person
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

PAYLOAD = '"><img src=x data-xss onerror="window.xss=1"><script>window.xss=2</script>'
# Fields that validate their format (email, phone, website, business ID, codes) refuse the
# payload before it is stored, so only the free-text ones carry it.
FORMATTED = {"email", "billing_email", "phone", "mobile", "website", "business_id", "country"}


def _free_text(model: type[models.Model]) -> list[str]:
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and field.editable
        and not field.choices
        and field.name not in FORMATTED
    ]


def _payloads(model: type[models.Model]) -> dict[str, str]:
    return {name: f"{name}{PAYLOAD}"[: model._meta.get_field(name).max_length or 500]
            for name in _free_text(model)}  # fmt: skip


def test_payloads_in_every_free_text_field_are_shown_as_text(page: Page, seller, screenshot):
    organization = contacts.organization_create(
        actor=seller, values=_payloads(Organization), allow_duplicate=True
    )
    twin = contacts.organization_create(
        actor=seller, values=_payloads(Organization), allow_duplicate=True
    )
    person = contacts.person_create(
        actor=seller, values=_payloads(Person), organization=organization, allow_duplicate=True
    )
    call = ActivityType.objects.get(code="call")
    texts = _payloads(Activity)
    activities.activity_log(
        actor=seller,
        type=call,
        subject=texts["subject"],
        body=texts["body"],
        outcome=texts["outcome"],
        organization=organization,
        people=[person],
    )
    activities.activity_schedule(
        actor=seller,
        type=call,
        subject=texts["subject"],
        body=texts["body"],
        day=timezone.localdate() + datetime.timedelta(days=1),
        organization=organization,
        people=[person],
    )
    pages = [
        "/organizations/",
        organization.get_absolute_url(),
        "/people/",
        person.get_absolute_url(),
        "/my-day/",
        f"/activities/timeline/?organization={organization.pk}",
        "/search/?q=name",
        "/duplicates/organizations/",
        f"/duplicates/organizations/merge/?ids={organization.pk},{twin.pk}",
        f"/organizations/{organization.pk}/edit/",
        f"/people/{person.pk}/edit/",
    ]
    log_in(page, seller)

    for path in pages:
        page.goto(path)
        assert page.locator("[data-xss]").count() == 0, f"an injected element on {path}"
        assert page.evaluate("window.xss") is None, f"an injected script ran on {path}"
    screenshot("merge-page-with-payloads")

    page.goto(organization.get_absolute_url())
    expect(page.locator("h1")).to_contain_text('name"><img src=x data-xss')
