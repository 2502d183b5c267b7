"""`sampo serve`: the production web server, several processes, stopped by SIGTERM."""

from __future__ import annotations

import json

import pytest

from tests.cli.support import Browser, Processes, children_of, free_port, wait_until

pytestmark = pytest.mark.slow


def test_it_serves_with_several_workers_and_stops_on_sigterm(
    migrated_env: dict[str, str], processes: Processes
) -> None:
    port = free_port()
    web = processes.start(
        "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", env=migrated_env
    )
    browser = Browser(port)
    # The first start gathers the static files before it listens.
    wait_until(
        lambda: browser.answers("/healthz"), timeout=90, what="/healthz", details=web.describe
    )

    health = browser.get("/healthz")
    login = browser.get("/login/")
    stylesheet = browser.get(find_stylesheet(login.text))
    web_processes = children_of(web.pid)
    exit_code = web.terminate()

    assert health.status == 200
    assert json.loads(health.text) == {"status": "ok"}
    assert login.status == 200
    assert 'name="password"' in login.text
    assert stylesheet.status == 200
    assert len(web_processes) == 2
    assert exit_code == 0
    log = web.log()
    assert log.count("Sampo is serving on") == 1
    assert log.index("Sampo is serving on") < log.index("Starting gunicorn")
    assert browser.answers("/healthz") is None
    assert not web.group_alive()


def find_stylesheet(html: str) -> str:
    start = html.index('rel="stylesheet" href="') + len('rel="stylesheet" href="')
    return html[start : html.index('"', start)]
