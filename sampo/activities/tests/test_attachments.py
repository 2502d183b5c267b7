from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sampo.activities.models import Activity, ActivityType, Attachment

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _log_call(client, organization, *files):
    return client.post(
        f"/activities/new/?organization={organization.pk}",
        {
            "type": ActivityType.objects.get(code="call").pk,
            "subject": "Sent the offer",
            "when": "2026-01-05T10:00",
            "attachments": list(files),
        },
    )


def test_a_file_attached_to_a_call_is_listed_on_the_timeline_and_downloads(
    client, seller, teammate, organization
):
    client.force_login(seller)

    response = _log_call(client, organization, SimpleUploadedFile("Tarjous 2026.pdf", PDF))

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.name == "Tarjous 2026.pdf"
    assert attachment.size == len(PDF)
    page = client.get(organization.get_absolute_url()).content.decode()
    assert f"/activities/files/{attachment.pk}/" in page
    client.force_login(teammate)
    download = client.get(f"/activities/files/{attachment.pk}/")
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/octet-stream"
    assert download["Content-Disposition"].startswith("attachment")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("offer.pdf", b"MZ\x90\x00 a Windows program", "does not look like a PDF file"),
        ("setup.exe", b"MZ\x90\x00", "is not a kind of file Sampo keeps"),
        ("notes.txt", b"text\x00with a NUL byte", "does not look like a TXT file"),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_saved(
    client, seller, organization, name, content, message
):
    client.force_login(seller)

    response = _log_call(client, organization, SimpleUploadedFile(name, content))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Activity.objects.exists()
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused(client, seller, organization, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    client.force_login(seller)

    response = _log_call(client, organization, SimpleUploadedFile("offer.pdf", PDF))

    assert "the limit is 10" in response.content.decode()
    assert not Activity.objects.exists()


def test_only_logged_in_users_download_and_a_missing_file_is_not_found(client, seller):
    assert client.get("/activities/files/1/").status_code == 302
    client.force_login(seller)
    assert client.get("/activities/files/999/").status_code == 404
