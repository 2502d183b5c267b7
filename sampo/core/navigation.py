"""The main menu. Each domain adds its entries (in its AppConfig.ready); the menu shows an
entry only to users its predicate admits, so nobody sees a link to a page they cannot open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    section: str  # "main" (top bar) or "admin" (the admin menu)
    order: int
    visible_to: Callable[[Any], bool]


ENTRIES: list[NavEntry] = []


def admins_only(user: Any) -> bool:
    """The predicate of the admin menu's entries."""
    return bool(getattr(user, "is_admin", False))


def register(
    *,
    label: str | Promise,
    url_name: str,
    section: str = "main",
    order: int = 100,
    visible_to: Callable[[Any], bool] = lambda user: True,
) -> None:
    if any(e.url_name == url_name for e in ENTRIES):
        return
    ENTRIES.append(NavEntry(label, url_name, section, order, visible_to))
    ENTRIES.sort(key=lambda e: (e.section, e.order))


def menu_for(user: Any, section: str, current_path: str) -> list[dict[str, Any]]:
    items = []
    for entry in ENTRIES:
        if entry.section != section or not entry.visible_to(user):
            continue
        url = reverse(entry.url_name)
        active = current_path == url if url == "/" else current_path.startswith(url)
        items.append({"label": entry.label, "url": url, "active": active})
    return items
