"""A seller finds two records of one customer in the duplicate report, merges them keeping a
value of each, sees everything on the record that stayed, and undoes the merge."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from sampo.contacts import services as contacts
from sampo.contacts.models import Membership, Organization
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_merge_two_records_of_one_customer_and_undo_it(page: Page, seller, screenshot):
    kept = contacts.organization_create(
        actor=seller,
        values={"name": "Rakennus Virtanen Oy", "business_id": "0112038-9", "city": "Turku"},
    )
    copy = contacts.organization_create(
        actor=seller,
        values={
            "name": "Rakennus Virtanen",
            "business_id": "FI01120389",
            "city": "Turku",
            "website": "https://virtanen.example",
        },
        allow_duplicate=True,
    )
    contacts.person_create(
        actor=seller, values={"first_name": "Maija", "last_name": "Lehtonen"}, organization=kept
    )
    contacts.person_create(
        actor=seller, values={"first_name": "Pekka", "last_name": "Salo"}, organization=copy
    )
    log_in(page, seller, next_path="/organizations/")

    page.get_by_role("button", name="Duplicates").click()
    pair = page.locator("tr", has_text="Rakennus Virtanen Oy")
    expect(pair).to_contain_text("business ID")
    screenshot("duplicate-report")
    pair.get_by_role("button", name="Compare").click()

    expect(page.locator("h1")).to_have_text("Merge records")
    page.locator(f"input[name=survivor][value='{kept.pk}']").check()
    page.locator(f"input[name=take_website][value='{copy.pk}']").check()
    screenshot("merge-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Merge").click()

    expect(page.locator("h1")).to_have_text("Merged into Rakennus Virtanen Oy")
    screenshot("merged")
    page.get_by_role("link", name="Go to Rakennus Virtanen Oy").click()
    expect(page.locator("body")).to_contain_text("Maija Lehtonen")
    expect(page.locator("body")).to_contain_text("Pekka Salo")
    expect(page.locator("body")).to_contain_text("virtanen.example")
    assert not Organization.objects.filter(pk=copy.pk).exists()  # in the trash

    page.go_back()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_role("button", name="Undo the merge").click()
    expect(page.locator(".messages")).to_contain_text("The merge was undone")
    screenshot("undone")
    assert Organization.objects.filter(pk=copy.pk).exists()
    kept.refresh_from_db()
    assert kept.website == ""
    assert Membership.objects.get(person__last_name="Salo").organization_id == copy.pk
