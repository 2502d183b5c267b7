"""Background entry points of the import. Each is idempotent and safe to run twice: a batch
that is done is left alone, one that was interrupted goes on from its last chunk."""

from __future__ import annotations

import logging

from sampo.contacts.imports import services
from sampo.contacts.imports.models import ImportBatch

logger = logging.getLogger(__name__)


def run_import(batch_id: int) -> str:
    batch = ImportBatch.objects.select_related("created_by").filter(pk=batch_id).first()
    if batch is None:
        return "gone"
    services.import_run(batch)
    logger.info("Import %s: %s", batch_id, batch.status)
    return str(batch.status)


def discard_stale_import_files() -> int:
    discarded = services.import_discard_stale_files()
    logger.info("Discarded %d uploaded import files never imported", discarded)
    return discarded
