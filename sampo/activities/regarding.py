"""Records an activity can be "regarding" besides its customer: an opportunity, later a ticket.

Higher domains register their record types here (in their AppConfig.ready), so the activity
form can accept `?regarding=sales.opportunity:42` without this app importing them. A target's
`resolve(user, pk)` returns the record if the user may see it and raises Http404 otherwise;
`links(user, pks)` gives the (label, url) of those of the records the user may see, for the
timelines and My day, so a title the user may not read never reaches a page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import Http404

Link = tuple[str, str]  # (label, url)


@dataclass(frozen=True)
class RegardingTarget:
    key: str  # "app_label.model", as in the query string
    resolve: Callable[[Any, int], models.Model]
    links: Callable[[Any, set[int]], dict[int, Link]]


TARGETS: dict[str, RegardingTarget] = {}


def register(
    *,
    key: str,
    resolve: Callable[[Any, int], models.Model],
    links: Callable[[Any, set[int]], dict[int, Link]],
) -> None:
    TARGETS[key] = RegardingTarget(key, resolve, links)


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


def links(user: Any, content_type: ContentType, pks: set[int]) -> dict[int, Link]:
    """Label and address of each of these records the user may see, by primary key."""
    target = TARGETS.get(f"{content_type.app_label}.{content_type.model}")
    return target.links(user, pks) if target else {}
