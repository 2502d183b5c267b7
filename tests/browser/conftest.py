"""Browser tests: Playwright drives Debian's Chromium against a live Sampo server.

Playwright never downloads a browser of its own: the tests launch /usr/bin/chromium, which
./dev.sh test installs with apt. The live server serves static files through WhiteNoise from
the collected, hashed files, exactly as production does. Screenshots of each step (and of the
page at the moment a test fails) are written under test-artifacts/browser/<test name>/.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, sync_playwright
from pytest_django.live_server_helper import LiveServer

from conftest import PASSWORD
from sampo.accounts.models import User

CHROMIUM = Path("/usr/bin/chromium")
# Headless, and quiet: the machine may have no network, and Chromium's background services
# (updates, sync, safe browsing) would otherwise keep trying to reach Google.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


# --- Static files -----------------------------------------------------------------------------


def _no_static_handler(application: Any) -> Any:
    # WhiteNoise, in the middleware, serves /static/ as in production.
    return application


@pytest.fixture(scope="session")
def live_server(request: pytest.FixtureRequest, collected_static: None) -> Iterator[LiveServer]:
    """pytest-django's live server, minus its own static handler.

    That handler finds files through the finders, which know nothing of the hashed names the
    manifest storage puts in the pages, so every stylesheet and script would be a 404.
    """
    addr = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    server.thread.static_handler = _no_static_handler  # type: ignore[assignment]  # any WSGI wrapper
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _serialized_database(django_db_serialized_rollback: None) -> None:
    """The live server needs a transactional database, flushed after each test. Asking for a
    serialized rollback makes Django keep a copy of the migrated data (the seeded roles), which
    the root conftest puts back for the tests that run after this one."""


# --- Browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def playwright(django_db_setup: None) -> Iterator[Playwright]:
    """Playwright, started once for the run of browser tests an xdist worker gets.

    Package scope, not session: while the sync API runs, this thread has an asyncio loop
    marked as running. Django then refuses ORM calls as "async unsafe" (hence the variable
    below), `async_to_sync` refuses to run, and the ORM hands out another connection object
    per alias. Stopping Playwright when the tests leave this folder keeps all that away from
    the rest of the suite.
    """
    serialized = {
        connection.alias: getattr(connection, "_test_serialized_contents", None)
        for connection in connections.all()
    }
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as running:
        # The connections the tests get from now on do not know the copy of the migrated data
        # Django made when it created the test database (see _serialized_database).
        for alias, contents in serialized.items():
            if contents is not None:
                setattr(connections[alias], "_test_serialized_contents", contents)  # noqa: B010
        yield running
        connections.close_all()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing. Browser tests use Debian's chromium package and never "
            "download a browser: run ./dev.sh test, which installs it with apt "
            "(or `apt-get install chromium`).",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(
    request: pytest.FixtureRequest, browser: Browser, live_server: LiveServer
) -> Iterator[Page]:
    """A fresh context (no cookies, English browser) per test, at desktop size."""
    folder = artifact_dir(request.node)
    if folder.exists():
        shutil.rmtree(folder)
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, locale="en-US", timezone_id="Europe/Helsinki"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


# --- Screenshots ------------------------------------------------------------------------------


def artifact_dir(item: pytest.Item) -> Path:
    """test-artifacts/browser/<module>/<test, with its parameters>/"""
    return ARTIFACTS / item.path.stem / re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name).strip("_")


@pytest.fixture
def screenshot(request: pytest.FixtureRequest, page: Page) -> Callable[[str], Path]:
    """`screenshot("logged-in")` saves the whole page as NN-logged-in.png for this test."""
    folder = artifact_dir(request.node)
    folder.mkdir(parents=True, exist_ok=True)
    taken = 0

    def save(step: str) -> Path:
        nonlocal taken
        taken += 1
        path = folder / f"{taken:02d}-{re.sub(r'[^A-Za-z0-9_.-]+', '-', step)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    page = getattr(item, "funcargs", {}).get("page")
    if report.when == "call" and report.failed and page is not None and not page.is_closed():
        folder = artifact_dir(item)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "failure.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as error:
            report.sections.append(("failure screenshot", f"could not be taken: {error}"))
        else:
            report.sections.append(("failure screenshot", f"{path} (at {page.url})"))
    return report


# --- Journeys ---------------------------------------------------------------------------------


def log_in(page: Page, user: User, *, next_path: str = "/") -> None:
    """Log in through the form (on the login page already shown, or a fresh one)."""
    if "/login/" not in page.url:
        page.goto(f"/login/?next={next_path}")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/login/" not in page.url, f"login failed, still at {page.url}"
