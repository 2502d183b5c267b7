"""The sales screens on a 375 px phone: nothing sticks out of the page (the board scrolls
sideways inside itself), and a card is dragged to the next stage with a finger."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, CDPSession, Page, expect
from pytest_django.live_server_helper import LiveServer

from sampo.sales import services
from sampo.sales.models import Opportunity, Pipeline
from tests.browser.conftest import artifact_dir, log_in
from tests.browser.test_small_screens import PHONE, assert_fits_width

pytestmark = pytest.mark.browser


@pytest.fixture
def deal(seller, sales_team) -> Opportunity:
    pipeline = Pipeline.objects.get(name="Sales")
    pipeline.team = sales_team
    pipeline.save(update_fields=["team"])
    return services.opportunity_create(
        actor=seller,
        values={
            "title": "Ikkunatoimitus kerrostaloon, Hämeenlinnan Asuntorakentajat",
            "company_name": "Hämeenlinnan Asuntorakentajat Oy",
            "expected_revenue": 125000,
        },
    )


@pytest.mark.parametrize(
    "path", ["/sales/", "/sales/opportunities/", "deal", "/sales/admin/pipelines/"]
)
def test_the_sales_screens_fit_a_375_px_screen(
    page: Page, admin, deal: Opportunity, screenshot, path: str
):
    path = deal.get_absolute_url() if path == "deal" else path
    log_in(page, admin, next_path=path)
    page.set_viewport_size(PHONE)
    page.goto(path)
    expect(page.locator("main h1")).to_be_visible()

    assert_fits_width(page, PHONE["width"])
    screenshot("phone")


def _touch(session: CDPSession, kind: str, x: float = 0, y: float = 0) -> None:
    points = [] if kind == "touchEnd" else [{"x": x, "y": y}]
    session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})


def test_a_card_is_dragged_with_a_finger(
    request: pytest.FixtureRequest,
    browser: Browser,
    live_server: LiveServer,
    seller,
    deal: Opportunity,
):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, has_touch=True, is_mobile=True, locale="en-US"
    )
    page = context.new_page()
    try:
        log_in(page, seller, next_path="/sales/")
        card = page.get_by_test_id("card")
        target = page.get_by_test_id("column-2")
        target.scroll_into_view_if_needed()
        card.scroll_into_view_if_needed()
        start, end = card.bounding_box(), target.bounding_box()
        assert start is not None
        assert end is not None
        x, y = start["x"] + 20, start["y"] + 15
        finger = context.new_cdp_session(page)
        _touch(finger, "touchStart", x, y)
        page.wait_for_timeout(400)  # a finger rests before it drags, so the page still scrolls
        with page.expect_response(lambda r: "/move/" in r.url and r.status == 200):
            for step in range(1, 11):
                _touch(finger, "touchMove", x + (end["x"] + 30 - x) * step / 10, y + 10)
                page.wait_for_timeout(30)
            _touch(finger, "touchEnd")
        expect(target.get_by_test_id("card")).to_have_count(1)
        folder = artifact_dir(request.node)
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / "01-dragged-with-a-finger.png"))
    finally:
        context.close()

    deal.refresh_from_db()
    assert deal.stage is not None
    assert deal.stage.position == 1
