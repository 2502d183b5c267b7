"""The trash: records moved out of sight by a delete, restorable by an admin until purged.

Each domain registers its trashable models here (in its AppConfig.ready), so the trash page and
the purge job know them without this app knowing any domain.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils import timezone

from sampo.core import records
from sampo.core.models import BusinessModel, HistoryEntry

logger = logging.getLogger(__name__)

TRASHABLE: list[type[BusinessModel]] = []


def register(model: type[BusinessModel]) -> None:
    if model not in TRASHABLE:
        TRASHABLE.append(model)


@dataclass(frozen=True)
class TrashItem:
    record: BusinessModel
    type_label: str
    content_type_id: int


def _require_admin(user: Any) -> None:
    # The user model promises `is_admin` (accounts.User); core knows no roles beyond that.
    if not getattr(user, "is_admin", False):
        raise PermissionDenied


def trash_items(*, user: Any, limit: int = 200) -> list[TrashItem]:
    """Newest deletions first, across every registered record type."""
    _require_admin(user)
    items: list[TrashItem] = []
    for model in TRASHABLE:
        content_type = ContentType.objects.get_for_model(model)
        rows = (
            model.all_objects.filter(deleted_at__isnull=False)
            .select_related("deleted_by")
            .order_by("-deleted_at")[:limit]
        )
        items += [TrashItem(row, str(model._meta.verbose_name), content_type.pk) for row in rows]
    items.sort(key=lambda item: item.record.deleted_at or timezone.now(), reverse=True)
    return items[:limit]


def _trashed_record(content_type_id: int, pk: int) -> BusinessModel:
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    if model is None or model not in TRASHABLE:
        raise Http404
    record = model._base_manager.filter(pk=pk, deleted_at__isnull=False).first()
    if not isinstance(record, BusinessModel):
        raise Http404
    return record


def trash_restore(*, user: Any, content_type_id: int, pk: int) -> BusinessModel:
    _require_admin(user)
    return records.record_restore(_trashed_record(content_type_id, pk), actor=user)


def trash_purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete for good what has been in the trash longer than the retention. Returns a count."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.TRASH_RETENTION_DAYS)
    purged = 0
    for model in TRASHABLE:
        expired = model.all_objects.filter(deleted_at__lt=cutoff)
        content_type = ContentType.objects.get_for_model(model)
        for pk in expired.values_list("pk", flat=True).iterator():
            purged += _purge_one(model, content_type, pk)
    return purged


def _purge_one(model: type[models.Model], content_type: ContentType, pk: Any) -> int:
    try:
        with transaction.atomic():
            deleted, _ = model._base_manager.filter(pk=pk).delete()
            # The history goes with the record: nothing of it remains to show.
            HistoryEntry.objects.filter(content_type=content_type, object_id=str(pk)).delete()
    except ProtectedError:
        # Still referenced by a live record (a subsidiary's parent, say): it stays in the
        # trash, restorable, rather than taking the other record's link with it.
        logger.warning("Kept %s %s in the trash: other records still point to it", model, pk)
        return 0
    return 1 if deleted else 0
