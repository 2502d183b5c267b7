from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from sampo.core import audit
from sampo.core.models import AuditEvent, HistoryEntry


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


@dataclass(frozen=True)
class AuditFilters:
    actor_id: int | None = None
    action: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    ip_address: str = ""


@dataclass
class AuditPage:
    rows: list[AuditEvent]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


AUDIT_PAGE_SIZE = 50


def _day_start(day: datetime.date) -> datetime.datetime:
    """Midnight of `day` in the reader's time zone."""
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time.min), timezone.get_current_timezone()
    )


def audit_rows(*, user: Any, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The audit log with its filters, newest first, unpaged: the page and its CSV export."""
    audit.require_admin(user)
    rows = AuditEvent.objects.select_related("actor", "target_type")
    if filters.actor_id:
        rows = rows.filter(actor_id=filters.actor_id)
    if filters.action:
        rows = rows.filter(action=filters.action)
    if filters.ip_address:
        rows = rows.filter(ip_address=filters.ip_address)
    if filters.date_from:
        rows = rows.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        rows = rows.filter(created_at__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
    return rows.order_by("-created_at", "-id")


def audit_page(
    *, user: Any, filters: AuditFilters, page: int = 1, size: int = AUDIT_PAGE_SIZE
) -> AuditPage:
    """One page of the log. Never counts the table: asks for one row more than it shows to
    know whether there is a next page."""
    page = max(page, 1)
    fetched = list(audit_rows(user=user, filters=filters)[(page - 1) * size : page * size + 1])
    return AuditPage(fetched[:size], page, len(fetched) > size)
