"""Sections that higher domains add to a register record's 360° page (activities now;
opportunities, quotes and tickets later), without this app knowing them.

A panel's `build(user, record)` returns the template context for the panel, or None to leave
the panel out for that user and record; the page never shows an empty placeholder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    order: int
    build: Callable[[Any, Any], dict[str, Any] | None]


PANELS: dict[str, dict[str, Panel]] = {"organization": {}, "person": {}}


def register(
    *,
    record_type: str,
    key: str,
    template: str,
    build: Callable[[Any, Any], dict[str, Any] | None],
    order: int = 100,
) -> None:
    PANELS[record_type][key] = Panel(key, template, order, build)


def panels_for(record_type: str, *, user: Any, record: Any) -> list[dict[str, Any]]:
    shown = []
    for panel in sorted(PANELS[record_type].values(), key=lambda p: p.order):
        context = panel.build(user, record)
        if context is not None:
            shown.append({"key": panel.key, "template": panel.template, **context})
    return shown
