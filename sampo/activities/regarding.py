"""Records an activity can be "regarding" besides its customer: an opportunity, later a ticket.

Higher domains register their record types here (in their AppConfig.ready), so the activity
form can accept `?regarding=sales.opportunity:42` without this app importing them. A target's
`resolve(user, pk)` returns the record if the user may see it and raises Http404 otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import Http404


@dataclass(frozen=True)
class RegardingTarget:
    key: str  # "app_label.model", as in the query string
    resolve: Callable[[Any, int], models.Model]


TARGETS: dict[str, RegardingTarget] = {}


def register(*, key: str, resolve: Callable[[Any, int], models.Model]) -> None:
    TARGETS[key] = RegardingTarget(key, resolve)


def key_for(record: models.Model) -> str:
    return f"{record._meta.app_label}.{record._meta.model_name}:{record.pk}"


def resolve(user: Any, value: str) -> models.Model | None:
    """The record named by "app_label.model:pk", if the user may see it; empty gives None."""
    if not value:
        return None
    key, _, pk = value.partition(":")
    target = TARGETS.get(key)
    if target is None or not pk.isdigit():
        raise Http404
    return target.resolve(user, int(pk))
