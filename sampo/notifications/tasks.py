"""Background entry points of notifications. Idempotent."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.utils import timezone

from sampo.notifications.models import Notification

logger = logging.getLogger(__name__)


def purge_read_notifications(now: datetime.datetime | None = None) -> int:
    """Read notifications older than SAMPO_NOTIFICATION_RETENTION_DAYS go; unread ones stay
    until read, however old."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    purged, _ = Notification.objects.filter(read_at__lt=cutoff).delete()
    if purged:
        logger.info("Purged %d old read notifications", purged)
    return purged
