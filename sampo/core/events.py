"""Readable names of history events. Each app registers the events it records, so the history
shows "deactivated" in the reader's language rather than a code."""

from __future__ import annotations

from django.utils.functional import Promise

EVENT_LABELS: dict[str, str | Promise] = {}


def register_event(code: str, label: str | Promise) -> None:
    EVENT_LABELS[code] = label


def event_label(code: str) -> str:
    return str(EVENT_LABELS.get(code, code))
