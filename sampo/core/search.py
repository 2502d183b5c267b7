"""Global search: one box in the header. Each domain registers a provider for its record
types; a provider applies its own visibility rules and returns a few best matches."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass(frozen=True)
class SearchHit:
    title: str
    subtitle: str
    url: str


@dataclass(frozen=True)
class SearchProvider:
    key: str
    label: str | Promise
    order: int
    search: Callable[[Any, str, int], list[SearchHit]]  # (user, query, limit)


PROVIDERS: dict[str, SearchProvider] = {}

MIN_QUERY_LENGTH = 2


def register(
    *,
    key: str,
    label: str | Promise,
    search: Callable[[Any, str, int], list[SearchHit]],
    order: int = 100,
) -> None:
    PROVIDERS[key] = SearchProvider(key, label, order, search)


def search_all(*, user: Any, query: str, limit: int = 5) -> list[dict[str, Any]]:
    """Hits grouped by record type, in menu order; types without hits are left out."""
    query = query.strip()
    if len(query) < MIN_QUERY_LENGTH:
        return []
    groups = []
    for provider in sorted(PROVIDERS.values(), key=lambda p: p.order):
        hits = provider.search(user, query, limit)
        if hits:
            groups.append({"key": provider.key, "label": provider.label, "hits": hits})
    return groups
