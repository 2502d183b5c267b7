"""The Content Security Policy is enforced by a real browser, and Sampo's pages live within it:
no inline script or style is refused, and htmx and app.js load and work."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from playwright.sync_api import ConsoleMessage, Error, Page, expect

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

# Installed before any page script runs; Playwright injects it outside the page's CSP.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} (${where})`
  );
});
"""


@dataclass
class BrowserComplaints:
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def on_console(self, message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        if message.type in {"error", "warning"}:
            self.console.append(f"{message.type}: {message.text} ({url})")

    def on_page_error(self, error: Error) -> None:
        self.errors.append(str(error))


@pytest.fixture
def complaints(page: Page) -> BrowserComplaints:
    page.context.add_init_script(RECORD_VIOLATIONS)
    collected = BrowserComplaints()
    page.on("console", collected.on_console)
    page.on("pageerror", collected.on_page_error)
    return collected


def csp_violations(page: Page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def test_it_loads_pages_without_any_csp_violation(page: Page, admin, complaints, screenshot):
    response = page.goto("/login/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    log_in(page, admin)

    for path in ["/", "/profile/", "/admin/users/"]:
        response = page.goto(path)
        assert response is not None
        assert response.ok, f"{path}: {response.status}"
        expect(page.locator("html.js")).to_be_attached()  # app.js ran
        assert page.evaluate("typeof window.htmx") == "object", f"htmx missing on {path}"
        assert csp_violations(page) == [], f"CSP violations on {path}"
    screenshot("user-list")

    # htmx read its settings from the page: no eval, no inline <style> for its indicators.
    config = page.evaluate(
        "({eval: htmx.config.allowEval, scripts: htmx.config.allowScriptTags,"
        " styles: htmx.config.includeIndicatorStyles})"
    )
    assert config == {"eval": False, "scripts": False, "styles": False}
    # app.js's keyboard shortcut: "/" focuses the (first) search box.
    page.keyboard.press("/")
    search = page.locator("[data-global-search], form[role=search] input[type=search]").first
    expect(search).to_be_focused()

    assert csp_violations(page) == []
    assert complaints.console == []
    assert complaints.errors == []


def test_it_refuses_an_inline_script_and_reports_it(page: Page, complaints):
    """The other tests would pass without a CSP: this one shows the policy is enforced and
    that the detection above sees a violation when there is one."""
    page.goto("/login/")

    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true";
          document.body.append(script);
        }"""
    )

    page.wait_for_function("window.__cspViolations.length > 0")
    assert page.evaluate("window.injected") is None
    assert csp_violations(page)[0].startswith("script-src-elem refused inline")
    assert any("Content Security Policy" in line for line in complaints.console)
