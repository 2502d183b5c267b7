"""An admin imports a Finnish Excel file (`;`-separated, Windows-1252): fixes a column the
guess missed, sees the preview's errors, runs it, reads the summary, downloads the rows that
failed, and undoes the import."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Dialog, Page, expect

from sampo.contacts.imports.models import ImportBatch
from sampo.contacts.imports.tasks import run_import
from sampo.contacts.models import Organization
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

FILE = (
    "Nimi;Y-tunnus;Kotipaikka;Lisätiedot\r\n"
    "Pörssi Oy;0112038-9;Jyväskylä;Tärkeä asiakas\r\n"
    "<img src=x onerror=alert(1)>Öljy Oy;;Oulu;<script>alert(2)</script>\r\n"
    "Väärä Oy;123;Turku;\r\n"
).encode("cp1252")


def test_it_imports_a_finnish_file_shows_the_errors_and_undoes_it(
    page: Page, admin, screenshot, tmp_path: Path, settings
) -> None:
    dialogs: list[str] = []

    def answer(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", answer)
    log_in(page, admin, next_path="/organizations/")
    page.get_by_role("button", name="Import", exact=True).click()
    page.set_input_files(
        "input[name=file]",
        files=[{"name": "asiakkaat.csv", "mimeType": "text/csv", "buffer": FILE}],
    )
    screenshot("upload")
    page.get_by_role("button", name="Read the file").click()

    expect(page.locator("select[name=column_0]")).to_have_value("name")
    expect(page.locator("select[name=column_1]")).to_have_value("business_id")
    expect(page.locator("select[name=column_2]")).to_have_value("")
    page.select_option("select[name=column_2]", "city")
    screenshot("mapping-fixed")
    page.get_by_role("button", name="Preview").click()

    preview = page.locator("table.import-preview tbody tr")
    expect(preview).to_have_count(3)
    expect(preview.nth(0)).to_contain_text("Created")
    expect(preview.nth(0)).to_contain_text("Jyväskylä")
    expect(preview.nth(1)).to_contain_text("<img src=x onerror=alert(1)>Öljy Oy")
    expect(preview.nth(2)).to_contain_text("Failed")
    expect(preview.nth(2)).to_contain_text("Business ID")
    screenshot("preview-with-errors")
    page.get_by_role("button", name="Import all 3 rows").click()

    expect(page.get_by_test_id("import-status")).to_have_text("Waiting")
    batch = ImportBatch.objects.get()
    run_import(batch.pk)  # what the worker does (tests/worker runs it on a real worker)

    summary = page.get_by_test_id("import-summary")  # the page polls until it is done
    expect(summary.locator("[data-count=created]")).to_have_text("2")
    expect(summary.locator("[data-count=failed]")).to_have_text("1")
    assert sorted(Organization.objects.values_list("city", flat=True)) == ["Jyväskylä", "Oulu"]
    screenshot("summary")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Rows not imported (CSV)").click()
    downloaded = tmp_path / "failed.csv"
    download_info.value.save_as(downloaded)
    content = downloaded.read_text(encoding="utf-8-sig")
    assert "Väärä Oy;123;Turku;" in content
    assert "Business ID" in content

    page.get_by_role("button", name="Undo the import").click()
    expect(page.locator(".message-success")).to_contain_text("The import was undone")
    expect(page.get_by_test_id("import-status")).to_have_text("Undone")
    screenshot("undone")
    assert not Organization.objects.exists()
    # The only dialog was the undo's confirmation: no imported script ran.
    assert len(dialogs) == 1
    assert dialogs[0].startswith("Undo this import?")
