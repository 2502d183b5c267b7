"""Fixtures for the background-work tests: a real SMTP server, the test database as a URL a
child process can open, the task queue on either backend, and `sampo serve` / `sampo worker`
started as separate processes on all of them."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection
from django_q.conf import Conf

from tests.worker.support import (
    REDIS_BROKER,
    REPO_ROOT,
    TASK_RETRY,
    TASK_TIMEOUT,
    Sampo,
    SmtpInbox,
    TaskQueue,
    free_port,
)


@pytest.fixture
def smtp_server() -> Iterator[Controller]:
    """aiosmtpd on a free local port; `smtp_server.handler` is the SmtpInbox."""
    controller = Controller(SmtpInbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def inbox(smtp_server: Controller) -> SmtpInbox:
    return smtp_server.handler


@pytest.fixture
def database_url(transactional_db: None) -> str:
    """The test database, for a child process. Needs a transactional test: what the test
    writes must be committed for another process to see it."""
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    if db["ENGINE"] == "django.db.backends.postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = quote(db["HOST"] or "localhost", safe="")
        return f"postgres://{credentials}@{host}:{db['PORT'] or 5432}/{db['NAME']}"
    raise NotImplementedError(db["ENGINE"])


@pytest.fixture(scope="session")
def redis_url() -> str:
    url = os.environ.get("SAMPO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.from_url(url).ping()
    except redis.ConnectionError as error:
        pytest.fail(f"These tests need Redis at {url} (SAMPO_TEST_REDIS_URL): {error}")
    return url


@pytest.fixture(params=["database", "redis"])
def queue(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> Iterator[TaskQueue]:
    task_queue = TaskQueue(request.param, f"test-{uuid.uuid4().hex[:12]}", redis_url)
    # Q_CLUSTER["name"]: the queue's name and the salt tasks are signed with.
    monkeypatch.setattr(Conf, "PREFIX", task_queue.name)
    monkeypatch.setattr(Conf, "CLUSTER_NAME", task_queue.name)
    if task_queue.backend == "redis":
        monkeypatch.setattr(Conf, "BROKER_CLASS", REDIS_BROKER)
        monkeypatch.setattr(Conf, "REDIS", redis_url)
    else:
        monkeypatch.setattr(Conf, "BROKER_CLASS", None)
        monkeypatch.setattr(Conf, "ORM", "default")
    yield task_queue
    if task_queue.backend == "redis":
        task_queue.broker().delete_queue()


@pytest.fixture
def sampo(
    database_url: str,
    queue: TaskQueue,
    smtp_server: Controller,
    collected_static: None,
    tmp_path: Path,
) -> Iterator[Sampo]:
    env = {
        **os.environ,
        "SAMPO_DATABASE_URL": database_url,
        # The same data directory, hence the same secret key: tasks are signed with it.
        "SAMPO_DATA_DIR": str(settings.DATA_DIR),
        "SAMPO_SMTP_HOST": smtp_server.hostname,
        "SAMPO_SMTP_PORT": str(smtp_server.port),
        "SAMPO_WORKER_TASK_TIMEOUT": str(TASK_TIMEOUT),
        "SAMPO_WORKER_TASK_RETRY": str(TASK_RETRY),
        "SAMPO_WORKER_PROCESSES": "1",
        # The worker imports test-only tasks; the `sampo` script alone would not find them.
        "PYTHONPATH": str(REPO_ROOT),
        "PYTHONUNBUFFERED": "1",
        **queue.env(),
    }
    if queue.backend != "redis":
        env.pop("SAMPO_REDIS_URL", None)
    processes = Sampo(env, tmp_path)
    yield processes
    # Before the database is flushed: no child may still hold it.
    for child in processes.children:
        child.kill()
    sys.stderr.write(processes.logs())  # shown by pytest when the test failed
