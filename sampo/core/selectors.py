from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from sampo.core.models import HistoryEntry


def history_of(record: models.Model) -> QuerySet[HistoryEntry]:
    """A record's history, newest first. The caller has already been granted the record."""
    content_type = ContentType.objects.get_for_model(type(record), for_concrete_model=False)
    return (
        HistoryEntry.objects.filter(content_type=content_type, object_id=str(record.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def history_for(record: models.Model, *, limit: int = 100) -> QuerySet[HistoryEntry]:
    """The newest changes of a record whose page shows its history on its own (users, teams)."""
    return history_of(record)[:limit]


def recent_changes_by(user: Any, *, limit: int = 15) -> QuerySet[HistoryEntry]:
    return (
        HistoryEntry.objects.filter(actor=user)
        .select_related("content_type")
        .order_by("-created_at", "-id")[:limit]
    )
