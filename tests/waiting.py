"""Polling for what another process does (a worker, a server), shared by the test folders."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    condition: Callable[[], T],
    *,
    timeout: float,
    what: str,
    details: Callable[[], str] = str,
) -> T:
    """Poll until `condition` returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        if result := condition():
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"Waited {timeout} s for {what} in vain.\n{details()}")
        time.sleep(0.05)
