"""A seller quick-creates an opportunity on the kanban, drags it across two stages with the
mouse, marks it lost with a reason, and sees the board and the timeline tell the same story."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from sampo.sales import services
from sampo.sales.models import Opportunity, Pipeline, StageChange
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def _drag(page: Page, card: Locator, column: Locator) -> None:
    """A real mouse drag: press on the card, move across in steps, release over the column."""
    start = card.bounding_box()
    target = column.bounding_box()
    assert start is not None
    assert target is not None
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + 12)
    page.mouse.down()
    page.mouse.move(start["x"] + start["width"] / 2 + 10, start["y"] + 20, steps=5)
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 30, steps=20)
    page.mouse.up()


def test_it_quick_creates_drags_across_two_stages_and_marks_lost(
    page: Page, seller, sales_team, screenshot
):
    pipeline = Pipeline.objects.get(name="Sales")
    pipeline.team = sales_team
    pipeline.save(update_fields=["team"])
    stages = list(pipeline.stages.order_by("position"))
    log_in(page, seller, next_path="/sales/")
    expect(page.locator("h1")).to_have_text("Sales")

    with page.expect_navigation():
        page.get_by_test_id("quick-create").locator("input[name=title]").fill(
            "Met at the Helsinki fair"
        )
        page.get_by_test_id("quick-create").locator("button").click()
    card = page.get_by_test_id("card").filter(has_text="Met at the Helsinki fair")
    expect(page.get_by_test_id("column-1").get_by_test_id("card")).to_have_count(1)
    expect(card.get_by_test_id("no-next-step")).to_be_visible()
    screenshot("quick-created")

    for number in (2, 3):
        column = page.get_by_test_id(f"column-{number}")
        with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
            _drag(page, card, column)
        expect(column.get_by_test_id("card")).to_have_count(1)
        expect(page.locator(f"[data-column-head='{stages[number - 1].pk}'] .count")).to_have_text(
            "1"
        )
        screenshot(f"dragged-to-column-{number}")
    expect(page.locator(f"[data-column-head='{stages[0].pk}'] .count")).to_have_text("0")

    opportunity = Opportunity.objects.get(title="Met at the Helsinki fair")
    assert opportunity.stage == stages[2]
    assert list(
        StageChange.objects.filter(opportunity=opportunity).values_list("to_stage", flat=True)
    ) == [stages[0].pk, stages[1].pk, stages[2].pk]

    with page.expect_navigation():
        card.locator("a.card-title").click()
    expect(page.get_by_test_id("stage")).to_have_text("Proposal")
    page.get_by_test_id("open-lost").click()
    page.select_option("select[name=reason]", label="Price")
    page.fill("textarea[name=note]", "Their current supplier matched our price.")
    with page.expect_navigation():
        page.get_by_test_id("mark-lost").click()
    expect(page.get_by_test_id("status")).to_have_text("Lost")
    history = page.locator("#timeline")
    expect(history).to_contain_text("Price")
    expect(history).to_contain_text("Their current supplier matched our price.")
    expect(history).to_contain_text("Needs analysis")
    screenshot("marked-lost")

    page.goto(f"/sales/pipelines/{pipeline.pk}/")
    expect(page.get_by_test_id("card")).to_have_count(0)
    expect(page.locator(f"[data-column-head='{stages[2].pk}'] .count")).to_have_text("0")
    screenshot("board-after-loss")


def test_the_board_filters_update_the_columns_in_place_and_the_address_follows(
    page: Page, seller, teammate, sales_team, screenshot
):
    pipeline = Pipeline.objects.get(name="Sales")
    pipeline.team = sales_team
    pipeline.save(update_fields=["team"])
    stages = list(pipeline.stages.order_by("position"))
    for owner, title in ((seller, "My own deal"), (teammate, "A teammate's deal")):
        services.opportunity_create(actor=owner, values={"title": title})
    log_in(page, seller, next_path=f"/sales/pipelines/{pipeline.pk}/")
    cards = page.get_by_test_id("column-1").get_by_test_id("card")
    expect(cards).to_have_count(2)
    # Set on this very document: a full page load would lose it.
    page.evaluate("window.sampoSameDocument = true")

    with page.expect_response(lambda r: f"/sales/pipelines/{pipeline.pk}/" in r.url):
        page.get_by_label("Only mine").check()

    expect(cards).to_have_count(1)
    expect(cards).to_contain_text("My own deal")
    expect(page.locator(f"[data-column-head='{stages[0].pk}'] .count")).to_have_text("1")
    assert page.evaluate("window.sampoSameDocument") is True
    assert page.url.endswith(f"/sales/pipelines/{pipeline.pk}/?mine=1&sort=close")
    screenshot("filtered-in-place")

    # The swapped-in board is wired for drag and drop, and the heads count with the filter.
    with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
        _drag(page, cards.first, page.get_by_test_id("column-2"))
    expect(page.get_by_test_id("column-2").get_by_test_id("card")).to_have_count(1)
    expect(page.locator(f"[data-column-head='{stages[0].pk}'] .count")).to_have_text("0")
    assert Opportunity.objects.get(title="My own deal").stage == stages[1]

    page.reload()
    expect(page.get_by_label("Only mine")).to_be_checked()
    expect(page.get_by_test_id("card")).to_have_count(1)

    page.go_back()
    expect(page).to_have_url(re.compile(rf"/sales/pipelines/{pipeline.pk}/$"))
    expect(page.get_by_test_id("card")).to_have_count(2)
    expect(page.get_by_label("Only mine")).not_to_be_checked()
    screenshot("back-to-all")
