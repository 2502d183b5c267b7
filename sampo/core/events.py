"""Readable names of history events. Each app registers the events it records, so the history
shows "deactivated" in the reader's language rather than a code."""

from __future__ import annotations

from django.utils.functional import Promise

EVENT_LABELS: dict[str, str | Promise] = {}


def register_event(code: str, label: str | Promise) -> None:
    EVENT_LABELS[code] = label


# Names of values an event records that are not fields of the record (a handover's reason).
FIELD_LABELS: dict[str, str | Promise] = {}


def register_field_label(name: str, label: str | Promise) -> None:
    FIELD_LABELS[name] = label


def event_label(code: str) -> str:
    return str(EVENT_LABELS.get(code, code))
