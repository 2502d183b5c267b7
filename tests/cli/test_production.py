"""The README's "Running in production", step by step as an operator runs it:
PostgreSQL by URL, Redis-backed workers, production settings behind a TLS-terminating proxy,
several web and worker processes, backups.

One installation for the module, which its tests use in order (the last one stops the workers).
The xdist_group keeps them on one xdist worker; where it is not honoured (pytest-xdist 3.8 with
pytest 9.2, pytest-xdist issue 1386), each xdist worker sets up an installation of its own.
It runs in the suite's PostgreSQL pass only (a scratch database on that server; Redis db 14).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis

from tests.cli.support import (
    Browser,
    Processes,
    Running,
    archive_manifest,
    free_port,
    operator_env,
    sampo,
    sampo_python,
    scratch_postgres_database,
    wait_until,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("production")]

ADMIN = "admin@kallio.example"
PASSWORD = "Kallio-Rakennus-2026"


@dataclass
class Installation:
    env: dict[str, str]
    data_dir: Path
    port: int
    web: Running
    workers: list[Running]

    def browser(self) -> Browser:
        """A client that comes, like every request in production, through the TLS proxy."""
        origin = f"https://127.0.0.1:{self.port}"
        return Browser(
            self.port,
            headers={
                "X-Forwarded-Proto": "https",
                "X-Forwarded-For": "203.0.113.7",
                "Origin": origin,
                "Referer": f"{origin}/login/",
            },
        )


def redis_url() -> str:
    """Database 14 of the suite's Redis server (SAMPO_TEST_REDIS_URL's host and port)."""
    suite = urlsplit(os.environ.get("SAMPO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    url = f"redis://{suite.netloc}/14"
    try:
        redis.from_url(url).ping()
    except redis.ConnectionError as error:
        pytest.fail(f"This test needs Redis at {url} (SAMPO_TEST_REDIS_URL): {error}")
    return url


@pytest.fixture(scope="module")
def installation(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    tmp_path = tmp_path_factory.mktemp("production")
    queue = f"sampo-production-test-{uuid.uuid4().hex[:8]}"
    processes = Processes(tmp_path)
    with scratch_postgres_database() as database_url:
        env = operator_env(
            SAMPO_DATA_DIR=str(tmp_path / "var"),
            SAMPO_DATABASE_URL=database_url,
            SAMPO_REDIS_URL=redis_url(),
            SAMPO_QUEUE_NAME=queue,
            SAMPO_SECRET_KEY=secrets.token_urlsafe(50),
            SAMPO_HTTPS="1",
            SAMPO_ALLOWED_HOSTS="127.0.0.1,localhost",
            SAMPO_BEHIND_PROXY="1",
        )
        try:
            yield install(env, tmp_path / "var", processes)
        finally:
            processes.stop_all()
            print(processes.logs())  # noqa: T201 (shown by pytest when a test failed)
            store = redis.from_url(env["SAMPO_REDIS_URL"])
            for key in store.scan_iter(f"*{queue}*"):
                store.delete(key)


def install(env: dict[str, str], data_dir: Path, processes: Processes) -> Installation:
    sampo("check", "--deploy", "--fail-level", "WARNING", env=env)
    sampo("migrate", env=env)
    sampo("collectstatic", "--noinput", env=env)
    sampo(
        "createuser", ADMIN, "--name", "Anna Kallio", "--role", "admin", "--password-stdin",
        env=env, stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    port = free_port()
    web = processes.start(
        "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--skip-collectstatic", env=env
    )
    workers = [processes.start("worker", "--processes", "2", env=env) for _ in range(2)]
    health = Browser(port)
    wait_until(
        lambda: health.answers("/healthz"), timeout=60, what="/healthz", details=web.describe
    )
    for worker in workers:
        worker.wait_for_log("Sampo worker started: 2 processes, Redis queue")
        worker.wait_for_log("running.")
    return Installation(env, data_dir, port, web, workers)


def test_it_redirects_plain_http_to_https(installation: Installation) -> None:
    plain = Browser(installation.port)

    login = plain.get("/login/")
    health = plain.get("/healthz")

    assert login.status == 301
    assert login.headers["Location"] == f"https://127.0.0.1:{installation.port}/login/"
    assert health.status == 200  # for the proxy's and load balancer's health checks


def test_it_serves_the_login_page_and_static_files_behind_the_tls_proxy(
    installation: Installation,
) -> None:
    browser = installation.browser()

    login = browser.get("/login/")
    stylesheets = re.findall(r'rel="stylesheet" href="([^"]+)"', login.text)
    static = [browser.get(path) for path in stylesheets]

    assert login.status == 200
    assert "max-age=" in login.headers["Strict-Transport-Security"]
    assert "Secure" in login.headers["Set-Cookie"]
    assert stylesheets
    assert [response.status for response in static] == [200] * len(stylesheets)


def test_it_lets_the_admin_made_with_createuser_log_in(installation: Installation) -> None:
    browser = installation.browser()

    login = browser.log_in(ADMIN, PASSWORD)
    home = browser.get("/")

    assert login.status == 302, login.text
    assert home.status == 200
    assert "Anna Kallio" in home.text


def test_it_shares_the_redis_queue_between_two_workers(installation: Installation) -> None:
    workers = {worker.pid for worker in installation.workers}
    ran_on: set[int] = set()
    # Each round queues a batch of tasks that report the process that ran them; which worker
    # takes which is up to them, so another round follows while one worker took them all.
    for _ in range(5):
        pids = sampo_python(run_tasks(count=20), env=installation.env)
        assert len(pids) == 20
        ran_on |= {process_group(pid) for pid in pids}
        if ran_on >= workers:
            break

    assert ran_on == workers


def run_tasks(*, count: int) -> str:
    """Code for `sampo shell -c`: queue `count` tasks, wait for them, print who ran them."""
    group = f"pids-{uuid.uuid4().hex}"
    return f"""
import json, time
from django_q.tasks import async_task, fetch_group
for _ in range({count}):
    async_task("os.getpid", group={group!r})
deadline = time.monotonic() + 60
while len(fetch_group({group!r}, failures=True) or []) < {count} and time.monotonic() < deadline:
    time.sleep(0.2)
print(json.dumps([task.result for task in fetch_group({group!r}, failures=True) or []]))
"""


def process_group(pid: int) -> int:
    """The process group, that is the `sampo worker` (each is started in a group of its own)."""
    try:
        return os.getpgid(pid)
    except ProcessLookupError:
        return 0


def test_it_backs_up_and_restores_the_running_installation(installation: Installation) -> None:
    env = installation.env
    archive = Path(sampo("backup", env=env).stdout.strip())
    # A mistake after the backup: the admin's password is lost.
    sampo_python(
        f"from sampo.accounts.models import User; u = User.objects.get(email={ADMIN!r}); "
        "u.set_password('forgotten'); u.save(update_fields=['password']); print(0)",
        env=env,
    )
    assert installation.browser().log_in(ADMIN, PASSWORD).status == 200  # refused

    # As the README says: stop the workers, restore, migrate, start them again.
    stopped = [worker.terminate() for worker in installation.workers]
    sampo("restore", str(archive), "--yes", env=env)
    sampo("migrate", env=env)

    assert stopped == [0, 0]
    assert archive.parent == installation.data_dir / "backups"
    assert archive_manifest(archive)["database"]["engine"] == "postgresql"
    assert installation.browser().log_in(ADMIN, PASSWORD).status == 302
    assert json.loads(installation.browser().get("/healthz").text) == {"status": "ok"}
