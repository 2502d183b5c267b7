"""Background entry points of webhooks; each is idempotent and safe to run twice."""

from __future__ import annotations

import datetime
import logging

from sampo.api.webhooks import delivery, services

logger = logging.getLogger(__name__)


def deliver(delivery_pk: int) -> str:
    return delivery.deliver(delivery_pk)


def deliver_due(now: datetime.datetime | None = None) -> int:
    """Every minute: retries now due and deliveries the queue lost."""
    count = delivery.deliver_due(now)
    if count:
        logger.info("Queued %d webhook deliveries", count)
    return count


def prune_log(now: datetime.datetime | None = None) -> int:
    """Every night: settled events past SAMPO_WEBHOOK_LOG_DAYS, with their delivery log."""
    count = delivery.log_prune(now=now)
    if count:
        logger.info("Deleted %d old webhook events", count)
    return count


def emit_due_activities(now: datetime.datetime | None = None) -> int:
    """Every minute: "activity.due" for planned activities whose time has come."""
    count = services.activities_due_emit(now=now)
    if count:
        logger.info("Emitted activity.due for %d activities", count)
    return count
