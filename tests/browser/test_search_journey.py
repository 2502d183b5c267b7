"""The header search: `/` focuses it, a misspelt name typed without its accents finds the
person as you type, and a click opens them. On a phone, the further emails and phones of the
person form get a new row without leaving the page, and the page shows them as links."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sampo.contacts import services as contacts
from sampo.contacts.models import Person
from tests.browser.conftest import log_in
from tests.browser.test_small_screens import PHONE, assert_fits_width

pytestmark = pytest.mark.browser


def test_it_focuses_with_slash_finds_a_misspelt_accentless_name_as_you_type_and_opens_it(
    page: Page, screenshot, seller
) -> None:
    person = contacts.person_create(
        actor=seller, values={"first_name": "Jörgen", "last_name": "Häkkinen"}
    )
    contacts.person_create(actor=seller, values={"first_name": "Liisa", "last_name": "Korhonen"})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    log_in(page, seller, next_path="/")

    page.locator("h1").first.click()  # nothing focused: the page has the keyboard
    page.keyboard.press("/")
    search = page.locator("[data-global-search]")
    expect(search).to_be_focused()
    page.keyboard.type("hakinen", delay=40)  # no accents, one letter missing

    results = page.locator("#search-results")
    hit = results.get_by_role("link", name="Jörgen Häkkinen")
    expect(hit).to_be_visible()
    expect(results).not_to_contain_text("Korhonen")
    assert page.url.endswith("/"), "the results came in place, without leaving the page"
    screenshot("results-as-you-type")

    hit.click()

    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))
    expect(page.locator("h1")).to_have_text("Jörgen Häkkinen")
    assert errors == []


def test_a_phone_user_adds_a_further_email_and_phone_to_a_person(
    page: Page, screenshot, seller
) -> None:
    person = contacts.person_create(
        actor=seller,
        values={
            "first_name": "Anna",
            "last_name": "Kallio",
            "email": "anna@tyo.example",
            "contact_details": [{"kind": "email", "label": "home", "value": "anna@koti.example"}],
        },
    )
    page.set_viewport_size(PHONE)
    log_in(page, seller, next_path=f"/people/{person.pk}/edit/")

    rows = page.locator("[data-formset-row]")
    expect(rows).to_have_count(2)  # the saved one and an empty one
    page.get_by_role("button", name="Add an email or phone").click()
    expect(rows).to_have_count(3)
    rows.nth(1).get_by_label("Email or phone").select_option("phone")
    rows.nth(1).get_by_label("Label").select_option("mobile")
    rows.nth(1).get_by_label("Email address or phone number").fill("050 765 4321")
    rows.nth(2).get_by_label("Email or phone").select_option("email")
    rows.nth(2).get_by_label("Email address or phone number").fill("Anna@Vanha.example")
    assert_fits_width(page, PHONE["width"])
    screenshot("form-on-a-phone")
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(rf"/people/{person.pk}/$"))
    details = page.get_by_test_id("contact-detail")
    expect(details).to_have_count(3)
    expect(page.get_by_role("link", name="050 7654321")).to_have_attribute(
        "href", "tel:+358507654321"
    )
    expect(page.get_by_role("link", name="anna@vanha.example")).to_have_attribute(
        "href", "mailto:anna@vanha.example"
    )
    assert_fits_width(page, PHONE["width"])
    screenshot("page-on-a-phone")
    assert sorted(Person.objects.get().contact_details.values_list("value", flat=True)) == [
        "+358507654321",
        "anna@koti.example",
        "anna@vanha.example",
    ]
