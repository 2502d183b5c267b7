"""A rate limit per token (or per session user): a fixed window counted in the cache, which
is Redis when Sampo is scaled out (shared by all web processes) and per process otherwise."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from sampo.api.auth import rate_key

WINDOW_SECONDS = 60


class PerTokenThrottle(BaseThrottle):
    def allow_request(self, request: HttpRequest) -> bool:
        limit = settings.SAMPO_API_RATE_LIMIT_PER_MINUTE
        if not limit or not getattr(request, "user", None) or not request.user.is_authenticated:
            return True
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"sampo:api-rate:{rate_key(request)}:{window}"
        cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
            used = 1
        return bool(used <= limit)

    def wait(self) -> float | None:
        # One instance serves every thread: the wait is worked out from the clock, not kept.
        return WINDOW_SECONDS - time.time() % WINDOW_SECONDS
