"""Listeners told of every history entry a service writes, in the same transaction as the
change: a higher floor (the API's webhooks) subscribes here, so core never imports it. A
listener that raises rolls the change back with it, so a listener must only write rows of
its own (an outbox) and leave anything slow or remote for after the commit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

# (the record, the event code: "created", "changed", "deleted", "restored" or a named event
# such as "merged", the history entry with its changes)
Listener = Callable[[models.Model, str, Any], None]

LISTENERS: list[Listener] = []


def subscribe(listener: Listener) -> None:
    if listener not in LISTENERS:
        LISTENERS.append(listener)


def unsubscribe(listener: Listener) -> None:
    if listener in LISTENERS:
        LISTENERS.remove(listener)


def publish(instance: models.Model, entry: Any) -> None:
    code = entry.event if entry.action == "event" else entry.action
    for listener in LISTENERS:
        listener(instance, code, entry)
