"""Counting requests per key in fixed time windows, in the cache (Redis when configured, so
every web process counts together; the process's memory otherwise)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one more request for `key`; False once more than `limit` came in this window."""
    bucket = f"rate:{key}:{int(time.time() // window)}"
    # add() is a no-op when the counter exists; incr() is atomic on Redis and in locmem.
    cache.add(bucket, 0, timeout=window + 5)
    try:
        count = cache.incr(bucket)
    except ValueError:  # expired between add() and incr()
        cache.add(bucket, 1, timeout=window + 5)
        count = 1
    return count <= limit


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: behind a proxy (SAMPO_BEHIND_PROXY), the one the proxy appended
    last to X-Forwarded-For, which a client cannot forge; else the connection's."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return str(request.META.get("REMOTE_ADDR", ""))
