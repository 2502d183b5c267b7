"""An admin defines a custom field; a seller fills it in, shows it as a list column chosen
in the columns menu (on a phone), and filters the list on it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from sampo.contacts import services
from sampo.core.custom_fields import services as field_services
from tests.browser.conftest import log_in
from tests.browser.test_small_screens import PHONE, assert_fits_width, assert_on_screen

pytestmark = pytest.mark.browser


def test_a_custom_field_goes_from_the_admin_to_the_form_the_list_and_its_filter(
    page: Page, screenshot, admin, seller
):
    log_in(page, admin, next_path="/admin/custom-fields/")
    page.click("a[href='/admin/custom-fields/organization/new/']")
    page.fill("input[name=label]", "Tier <b>")
    page.select_option("select[name=kind]", "choice")
    page.fill("textarea[name=new_choices]", "Gold\nSilver")
    page.click("main button[type=submit]")
    expect(page.locator("main table").first).to_contain_text("Tier <b>")
    field_services.custom_field_create(
        actor=admin, record_type_key="organization", label="Seats", kind="number"
    )
    services.organization_create(actor=seller, values={"name": "Silver Oy"})
    page.context.clear_cookies()

    log_in(page, seller, next_path="/organizations/new/")
    page.fill("input[name=name]", "Gold Oy")
    page.select_option("select[name=cf_tier_b]", label="Gold")
    page.fill("input[name=cf_seats]", "12")
    page.click("main form button[type=submit]")
    expect(page.locator("[data-custom-field=tier_b]")).to_have_text("Gold")

    page.set_viewport_size(PHONE)
    page.goto("/organizations/")
    menu = page.locator("details.columns-menu")
    menu.locator("summary").click()
    picker = menu.locator("form")
    assert_on_screen(picker, PHONE["width"])
    picker.get_by_role("checkbox", name="Seats").check()
    picker.get_by_role("checkbox", name="Tier <b>").check()
    picker.get_by_role("button", name="Move Seats down").click()  # Seats after Tier
    screenshot("phone-columns-picker")
    picker.locator("button[type=submit]").first.click()

    expect(page).to_have_url(
        "/organizations/?columns=name%2Crelationship%2Ccity%2Cbusiness_id%2Cowner%2Ccf_tier_b%2Ccf_seats"
    )
    headers = page.locator("#list-rows thead th[data-column]")
    expect(headers).to_have_text(
        ["Name", "Relationship", "City", "Business ID", "Owner", "Tier <b>", "Seats"]
    )
    assert_fits_width(page, PHONE["width"])
    screenshot("phone-list-with-custom-columns")

    page.locator("details.custom-filters summary").click()
    page.locator("details.custom-filters").get_by_role("checkbox", name="Gold").check()
    expect(page.locator("#list-rows tbody tr")).to_have_count(1)
    expect(page.locator("#list-rows tbody")).to_contain_text("Gold Oy")
    # The columns stay after the filter changed, and the picker carries the new filter.
    expect(headers).to_have_count(7)
    expect(page).to_have_url(re.compile(r"columns=name%2Crelationship.*cf_tier_b=gold"))
    query = page.locator("details.columns-menu input[name=query]")
    expect(query).to_have_value(re.compile(r"cf_tier_b=gold"))
