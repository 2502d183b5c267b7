"""A crash mid-import leaves the finished chunks, says which rows are done, and a re-run
goes on from there without duplicating anything."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django_q.models import OrmQ

from sampo.contacts.imports import runner, services
from sampo.contacts.imports.models import ImportBatch
from sampo.contacts.models import Person
from sampo.contacts.tests.imports.support import csv_bytes

ROWS = [["Sukunimi", "Sähköposti"], *[[f"Nimi{n}", f"n{n}@x.fi"] for n in range(7)]]


class WorkerDiedError(Exception):
    pass


def test_a_crash_keeps_finished_chunks_and_a_rerun_finishes_the_rest(
    seller, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(runner, "CHUNK_SIZE", 3)
    batch = services.import_upload(
        actor=seller, kind="people", file_name="p.csv", content=csv_bytes(ROWS)
    )
    services.import_start(actor=seller, batch=batch)
    batch.refresh_from_db()

    def die_after_first_chunk(progress: ImportBatch) -> None:
        raise WorkerDiedError

    with pytest.raises(WorkerDiedError):
        runner.run_batch(
            batch, services.import_table(batch), actor=seller, progress=die_after_first_chunk
        )

    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows, batch.created_count) == ("running", 3, 3)
    assert Person.objects.count() == 3

    services.import_run(batch)  # the queue hands the task out again

    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows, batch.created_count) == ("done", 7, 7)
    assert Person.objects.count() == 7
    assert list(batch.rows.values_list("row_number", flat=True)) == list(range(2, 9))


def test_a_done_batch_is_not_run_twice(seller, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    batch = services.import_upload(
        actor=seller, kind="people", file_name="p.csv", content=csv_bytes(ROWS)
    )
    services.import_start(actor=seller, batch=batch)
    batch.refresh_from_db()
    services.import_run(batch)
    batch.file.save("again.csv", ContentFile(csv_bytes(ROWS)))

    services.import_run(batch)

    assert Person.objects.count() == 7


def test_a_long_import_stops_inside_the_task_timeout_and_queues_its_next_slice(
    seller, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    settings.WORKER_TASK_TIMEOUT = 0  # every slice is out of time after its first chunk
    monkeypatch.setattr(runner, "CHUNK_SIZE", 3)
    batch = services.import_upload(
        actor=seller, kind="people", file_name="p.csv", content=csv_bytes(ROWS)
    )
    services.import_start(actor=seller, batch=batch)
    batch.refresh_from_db()
    queued = OrmQ.objects.count()

    services.import_run(batch)

    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows) == ("running", 3)
    assert OrmQ.objects.count() == queued + 1, "the next slice is queued"
    assert batch.file, "the file stays for the next slice"

    services.import_run(batch)
    services.import_run(batch)

    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows, batch.created_count) == ("done", 7, 7)
    assert not batch.file
