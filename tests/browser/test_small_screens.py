"""Every screen works on a 375 px wide phone: nothing sticks out sideways and the navigation
can be reached and opened."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect

from tests.browser.conftest import DESKTOP, log_in

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 375, "height": 740}

# Elements that reach past the right edge, unless a scrolling box (a wide table) holds them.
OVERFLOWING_ELEMENTS = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const held = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) if (scrolls(p)) return true;
    return false;
  };
  return [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !held(el))
    .map((el) => `${el.tagName.toLowerCase()}${el.className ? "." + el.className : ""}`
      + ` right=${Math.round(el.getBoundingClientRect().right)}`)
    .slice(0, 10);
}"""

SCREENS = [
    pytest.param("/login/", None, id="login"),
    pytest.param("/", "admin", id="home"),
    pytest.param("/admin/users/", "admin", id="user-list"),
    pytest.param("/profile/", "admin", id="profile"),
    pytest.param("/notifications/", "admin", id="notifications"),
    pytest.param("/activities/unattended/", "admin", id="unattended"),
    pytest.param("/profile/two-factor/", "admin", id="two-factor"),
    pytest.param("/admin/two-factor/", "admin", id="two-factor-policy"),
    pytest.param("/admin/audit/", "admin", id="audit-log"),
]


@pytest.fixture
def users_to_list(admin, seller, teammate, outsider, sales_team) -> None:
    """A user list with teams and long emails in it, as a real one would be."""


def assert_fits_width(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, (
        f"{page.url} is {scroll_width}px wide at a {width}px viewport; sticking out: "
        f"{page.evaluate(OVERFLOWING_ELEMENTS)}"
    )


def assert_on_screen(element: Locator, width: int) -> None:
    expect(element).to_be_visible()
    box = element.bounding_box()
    assert box is not None
    assert box["x"] >= 0, f"{element} starts left of the screen: {box}"
    assert box["x"] + box["width"] <= width + 0.5, f"{element} ends right of the screen: {box}"


def assert_navigation_reachable(page: Page, width: int) -> None:
    topbar = page.locator("header.topbar")
    links = topbar.locator("nav > ul > li > a")
    assert links.count() >= 2, "the brand and at least Home are in the top bar"
    for link in links.all():
        assert_on_screen(link, width)
    menus = topbar.locator("details.dropdown")
    assert menus.count() >= 2, "an admin has the admin menu and the user menu"
    for menu in menus.all():
        summary = menu.locator("summary")
        assert_on_screen(summary, width)
        summary.click()
        expect(menu).to_have_attribute("open", "")
        # The notification bell loads its entries when opened (by HTMX): wait until they are
        # in, or the entries read below could be swapped out from under the check.
        if "notification-bell" in (menu.get_attribute("class") or ""):
            expect(menu.locator(".notification-menu-footer")).to_be_visible()
        for entry in menu.locator("ul a, ul button").all():
            assert_on_screen(entry, width)
        summary.click()
        expect(menu).not_to_have_attribute("open", "")


@pytest.mark.usefixtures("users_to_list")
@pytest.mark.parametrize(("path", "persona"), SCREENS)
def test_it_fits_a_375_px_screen(request, page: Page, screenshot, path: str, persona: str | None):
    if persona:
        log_in(page, request.getfixturevalue(persona), next_path=path)
    page.set_viewport_size(PHONE)
    page.goto(path)
    expect(page.locator("main h1")).to_be_visible()

    assert_fits_width(page, PHONE["width"])
    screenshot("phone")
    if persona:
        assert_navigation_reachable(page, PHONE["width"])
        user_menu = page.locator("details.dropdown summary").last
        user_menu.click()
        screenshot("phone-user-menu-open")
        user_menu.click()
    else:
        assert_on_screen(page.locator("main button[type=submit]"), PHONE["width"])
    assert_on_screen(page.locator("#language-select"), PHONE["width"])

    # The same page on a desktop, for whoever reviews the screenshots.
    page.set_viewport_size(DESKTOP)
    page.reload()
    assert_fits_width(page, DESKTOP["width"])
    screenshot("desktop")
