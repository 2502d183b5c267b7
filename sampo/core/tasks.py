"""Background entry points of the core app. Each is idempotent and safe to run twice."""

from __future__ import annotations

import logging

from sampo.core import audit, trash

logger = logging.getLogger(__name__)


def purge_trash() -> int:
    purged = trash.trash_purge_expired()
    logger.info("Purged %d records from the trash", purged)
    return purged


def prune_audit() -> int:
    pruned = audit.audit_prune()
    logger.info("Pruned %d events from the audit log", pruned)
    return pruned
