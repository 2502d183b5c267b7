"""Background entry points of the core app. Each is idempotent and safe to run twice."""

from __future__ import annotations

import logging

from sampo.core import trash

logger = logging.getLogger(__name__)


def purge_trash() -> int:
    purged = trash.trash_purge_expired()
    logger.info("Purged %d records from the trash", purged)
    return purged
