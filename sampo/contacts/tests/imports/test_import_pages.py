"""The import wizard's pages: upload, mapping, preview, summary, downloads, undo."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_q.models import OrmQ

from sampo.contacts.imports import services
from sampo.contacts.imports.models import ImportBatch
from sampo.contacts.imports.tasks import run_import
from sampo.contacts.models import Organization
from sampo.contacts.tests.imports.support import csv_bytes
from sampo.contacts.tests.imports.support import run_import as import_rows

FILE = csv_bytes(
    [
        ["Nimi", "Y-tunnus", "Kaupunki", "Huomiot"],
        ["Pörssi Oy", "0112038-9", "Jyväskylä", "<script>alert(1)</script>"],
        ["<b>Rikki</b> Oy", "123", "Oulu", ""],
    ],
    encoding="cp1252",
)


def _upload(client, content: bytes = FILE, kind: str = "organizations"):
    upload = SimpleUploadedFile("asiakkaat.csv", content, content_type="text/csv")
    return client.post("/imports/new/", {"kind": kind, "file": upload})


def test_it_walks_from_upload_through_preview_to_a_queued_import(
    client, seller, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(seller)

    uploaded = _upload(client)
    batch = ImportBatch.objects.get()
    assert uploaded.status_code == 302
    assert uploaded["Location"] == f"/imports/{batch.pk}/mapping/"
    assert batch.file.name.startswith("imports/")
    mapping = client.get(f"/imports/{batch.pk}/mapping/")
    assert mapping.context["form"]["column_1"].value() == "business_id"
    assert mapping.context["form"]["column_3"].value() == "notes"

    form = {
        "column_0": "name",
        "column_1": "business_id",
        "column_2": "city",
        "column_3": "notes",
        "match": ["business_id"],
        "on_match": "update",
        "source": "Excel",
    }
    assert client.post(f"/imports/{batch.pk}/mapping/", form).status_code == 302
    preview = client.get(f"/imports/{batch.pk}/preview/")
    html = preview.content.decode()
    assert [r.outcome for r, _cells in preview.context["rows"]] == ["created", "failed"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "&lt;b&gt;Rikki&lt;/b&gt; Oy" in html
    assert not Organization.objects.exists(), "the preview saves nothing"

    with django_capture_on_commit_callbacks() as callbacks:
        run = client.post(f"/imports/{batch.pk}/run/")
    assert run["Location"] == f"/imports/{batch.pk}/"
    assert len(callbacks) == 1, "the task is queued once the request commits"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.QUEUED


def test_the_summary_shows_counts_and_the_failed_rows_download_with_their_error(
    client, seller, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(seller)
    _upload(client)
    batch = ImportBatch.objects.get()
    services.import_start(actor=seller, batch=batch)
    run_import(batch.pk)  # as the worker does; tests/worker runs it on a real worker

    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'data-count="created">1<' in page
    assert 'data-count="failed">1<' in page
    assert "&lt;b&gt;Rikki&lt;/b&gt; Oy" not in page  # only the reason is listed
    batch.refresh_from_db()
    assert not batch.file, "the uploaded file is deleted when the import is done"

    download = client.get(f"/imports/{batch.pk}/not-imported.csv")
    rows = list(
        csv.reader(
            io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0] == ["Nimi", "Y-tunnus", "Kaupunki", "Huomiot", "Row", "Result", "Error"]
    assert rows[1][:5] == ["<b>Rikki</b> Oy", "123", "Oulu", "", "3"]
    assert "Business ID" in rows[1][6]
    xlsx = client.get(f"/imports/{batch.pk}/not-imported.xlsx")
    assert xlsx.status_code == 200


def test_an_unreadable_upload_gets_a_clear_error_and_no_batch(client, seller):
    client.force_login(seller)

    response = _upload(client, content=b"PK\x03\x04broken", kind="people")

    assert response.status_code == 200
    assert "not an Excel workbook" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_admin_undoes_from_the_summary_page(client, seller, admin):
    batch = import_rows(seller, "organizations", [["Nimi"], ["Pörssi Oy"]])
    client.force_login(seller)
    assert "Undo the import" not in client.get(f"/imports/{batch.pk}/").content.decode()
    assert client.post(f"/imports/{batch.pk}/undo/").status_code == 403

    client.force_login(admin)
    assert "Undo the import" in client.get(f"/imports/{batch.pk}/").content.decode()
    client.post(f"/imports/{batch.pk}/undo/")

    assert not Organization.objects.exists()


def test_someone_elses_import_is_not_found(client, seller, teammate, viewer):
    batch = import_rows(seller, "organizations", [["Nimi"], ["Pörssi Oy"]])
    client.force_login(teammate)
    assert client.get(f"/imports/{batch.pk}/").status_code == 404
    client.force_login(viewer)
    assert client.get("/imports/new/").status_code == 403


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["seller", "admin"])
def test_the_import_list_needs_the_same_queries_for_one_batch_and_fifty(
    client, seller, admin, persona
):
    import_rows(seller, "organizations", [["Nimi"], ["Yksi Oy"]])
    client.force_login(seller if persona == "seller" else admin)
    one = _queries(client, "/imports/")
    for n in range(50):
        import_rows(seller, "organizations", [["Nimi"], [f"Firma {n} Oy"]])

    assert _queries(client, "/imports/") == one
    assert OrmQ.objects.count() == 0
