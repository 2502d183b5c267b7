from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from sampo.api.webhooks import ssrf
from sampo.api.webhooks.services import WANTED_KEY
from tests.webhooks.receiver import Receiver, start_receiver

# Names the tests resolve themselves; anything else goes to the system's resolver.
NAMES = {
    "public.test": ["93.184.216.34"],
    "internal.test": ["10.1.2.3"],
    "rebind.test": ["93.184.216.34", "127.0.0.1"],
    "metadata.test": ["169.254.169.254"],
    "ula.test": ["fd12:3456::1"],
    "receiver.test": ["127.0.0.1"],
}


def test_resolver(host: str, port: int) -> list[str]:
    if host in NAMES:
        return NAMES[host]
    return ssrf.system_resolver(host, port)


test_resolver.__test__ = False  # type: ignore[attr-defined]  (not a test for pytest)


@pytest.fixture(autouse=True)
def webhook_settings(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    settings.SAMPO_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.SAMPO_WEBHOOK_TIMEOUT_SECONDS = 5
    monkeypatch.setattr(ssrf, "RESOLVER", test_resolver)
    # The wanted event types are cached per process: never carry them from test to test.
    cache.delete(WANTED_KEY)
    yield
    cache.delete(WANTED_KEY)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found, server = start_receiver()
    yield found
    server.shutdown()
    server.server_close()


# The background-work fixtures: a real `sampo worker` on this test's own queue.
from tests.worker.conftest import (  # noqa: E402, F401
    database_url,
    queue,
    redis_url,
    sampo,
    smtp_server,
)
