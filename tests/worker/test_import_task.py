"""An import queued by the wizard is run by a separate worker process, chunk by chunk, on the
database queue and on Redis. (That a long import goes on in slices inside the task timeout is
tested without a worker, in the import's own tests: here a loaded machine would make any
timeout small enough to force slices flaky.)"""

from __future__ import annotations

import pytest

from sampo.contacts.imports import services
from sampo.contacts.imports.models import ImportBatch
from sampo.contacts.models import Person
from tests.worker.support import Sampo, TaskQueue, wait_until

ROWS = "Etunimi;Sukunimi;Sähköposti\n" + "".join(
    f"Etu{n};Suku{n};henkilo{n}@x.fi\n" for n in range(1200)
)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_runs_a_queued_import_to_the_end(sampo: Sampo, queue: TaskQueue, seller) -> None:
    batch = services.import_upload(
        actor=seller, kind="people", file_name="henkilot.csv", content=ROWS.encode("cp1252")
    )
    services.import_start(actor=seller, batch=batch)
    assert queue.waiting() == 1
    assert not Person.objects.exists()

    # Longer than the other worker tests' 6 s: one chunk of 500 rows may take seconds when
    # the machine is busy.
    sampo.start(
        "worker",
        "worker",
        env={"SAMPO_WORKER_TASK_TIMEOUT": "60", "SAMPO_WORKER_TASK_RETRY": "90"},
    )

    def finished() -> ImportBatch | None:
        current = ImportBatch.objects.get(pk=batch.pk)
        # Marked done after its last chunk, then its uploaded file is deleted.
        return current if current.is_finished and not current.file else None

    done = wait_until(finished, timeout=180, what="the import to finish", details=sampo.logs)
    assert done.status == ImportBatch.Status.DONE, done.error
    assert (done.created_count, done.processed_rows, done.total_rows) == (1200, 1200, 1200)
    assert Person.objects.count() == 1200
