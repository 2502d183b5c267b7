"""A seller filters the people list, ticks some rows, tags them in bulk and sees the tags;
then saves the list as a view and opens it again from the views menu. Also on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sampo.contacts import services
from sampo.contacts.models import Person, Tag
from sampo.lists.models import SavedView
from tests.browser.conftest import log_in
from tests.browser.test_small_screens import PHONE, assert_fits_width

pytestmark = pytest.mark.browser


def test_it_filters_bulk_tags_saves_the_view_and_reopens_it(page: Page, seller, screenshot):
    for name in ("Aalto", "Berg", "Carlsson"):
        services.person_create(actor=seller, values={"first_name": name, "last_name": "Virtanen"})
    services.person_create(actor=seller, values={"first_name": "Dora", "last_name": "Korhonen"})
    vip = Tag.objects.create(name="VIP")
    log_in(page, seller, next_path="/people/")
    rows = page.locator("#list-rows tbody tr")
    expect(rows).to_have_count(4)

    page.get_by_placeholder("Search by name, email or phone").fill("virtanen")
    expect(rows).to_have_count(3)
    page.get_by_label("Select all rows on this page").check()
    toolbar = page.get_by_test_id("bulk-toolbar")
    expect(toolbar.locator("[data-bulk-count]")).to_have_text("3 selected")
    expect(toolbar.get_by_text("Select everything that matches the filters")).to_be_visible()
    page.get_by_label("Select Carlsson Virtanen").uncheck()
    expect(toolbar.locator("[data-bulk-count]")).to_have_text("2 selected")
    expect(toolbar.get_by_text("Select everything that matches the filters")).to_be_hidden()
    toolbar.get_by_label("Action for the selected rows").select_option(label="Add tags")
    screenshot("two-ticked")
    with page.expect_navigation():
        toolbar.get_by_role("button", name="Go").click()

    action = page.get_by_test_id("bulk-action")
    expect(action).to_contain_text("2 rows of “People” are selected.")
    action.get_by_label("VIP").check()
    with page.expect_navigation():
        action.get_by_role("button", name="Apply").click()
    expect(page.locator(".messages")).to_contain_text("2 records changed.")
    assert "q=virtanen" in page.url
    tagged = {p.first_name for p in Person.objects.filter(tags=vip)}
    assert tagged == {"Aalto", "Berg"}

    page.locator(".list-filters").get_by_label("Tag", exact=True).select_option(label="VIP")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Aalto Virtanen")
    screenshot("tagged-and-filtered")
    with page.expect_navigation():
        page.get_by_role("link", name="Aalto Virtanen").click()
    expect(page.locator("main")).to_contain_text("VIP")
    page.go_back()

    menu = page.get_by_test_id("views-menu")
    menu.locator("summary").click()
    with page.expect_navigation():
        menu.get_by_test_id("save-view").click()
    form = page.get_by_test_id("view-form")
    form.get_by_label("Name").fill("VIP Virtanens")
    with page.expect_navigation():
        form.get_by_role("button", name="Save").click()
    expect(menu.locator("summary")).to_have_text("VIP Virtanens")
    expect(rows).to_have_count(2)
    view = SavedView.objects.get()
    assert "tag=" in view.query
    assert "q=virtanen" in view.query

    page.goto("/people/?view=")
    expect(rows).to_have_count(4)
    menu.locator("summary").click()
    with page.expect_navigation():
        menu.get_by_role("link", name="VIP Virtanens").click()
    expect(rows).to_have_count(2)
    expect(page.get_by_placeholder("Search by name, email or phone")).to_have_value("virtanen")
    expect(page.locator(".list-filters").get_by_label("Tag", exact=True)).to_have_value(str(vip.pk))
    screenshot("view-reopened")

    page.set_viewport_size(PHONE)
    page.reload()
    assert_fits_width(page, PHONE["width"])
    expect(page.get_by_label("Select Aalto Virtanen")).to_be_visible()
    expect(toolbar.get_by_role("button", name="Go")).to_be_visible()
    screenshot("phone")
