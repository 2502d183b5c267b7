from __future__ import annotations

import csv
import io
import re
import zoneinfo
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from sampo.lib.spreadsheets import iter_csv, neutralize, write_csv, write_xlsx

# Written out here, not imported: this is the spec the code is held to (OWASP CSV injection).
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What XML 1.0 (so XLSX) cannot hold at all, and the carriage return an XML reader turns into
# a line feed.
XML_UNFIT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\r]")

values = st.lists(st.text(max_size=40), min_size=1, max_size=4)
# Text that starts like a formula more often than chance would have it.
risky = st.builds(lambda start, rest: start + rest, st.sampled_from(DANGEROUS_STARTS), st.text())
cells = st.lists(st.one_of(st.text(max_size=40), risky), min_size=1, max_size=4)


def _neutralized(value: str) -> str:
    return f"'{value}" if value.startswith(DANGEROUS_STARTS) else value


def _csv_rows(content: bytes, delimiter: str = ";") -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(
        csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter)
    )


def _xlsx_rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))


@pytest.mark.parametrize("start", DANGEROUS_STARTS)
def test_it_puts_an_apostrophe_before_text_that_starts_like_a_formula(start):
    assert neutralize(f"{start}1+1") == f"'{start}1+1"


def test_it_leaves_other_text_alone_and_writes_nothing_for_none():
    assert neutralize("Virtanen Oy") == "Virtanen Oy"
    assert neutralize(" =1") == " =1"
    assert neutralize(None) == ""


def test_an_international_phone_number_is_neutralized_like_any_text():
    assert neutralize("+36 30 123 4567") == "'+36 30 123 4567"


@given(rows=st.lists(cells, min_size=1, max_size=3))
@settings(deadline=None)
def test_no_csv_cell_starts_like_a_formula_and_the_apostrophe_is_all_that_was_added(rows):
    read_back = _csv_rows(write_csv(rows, headers=["a", "b", "c", "d"]))

    assert read_back[0] == ["a", "b", "c", "d"]
    for written, original in zip(read_back[1:], rows, strict=True):
        assert not any(cell.startswith(DANGEROUS_STARTS) for cell in written)
        assert written == [_neutralized(value) for value in original]


@given(row=cells)
@settings(deadline=None, max_examples=60)
def test_no_xlsx_cell_starts_like_a_formula_and_the_apostrophe_is_all_that_was_added(row):
    row = [XML_UNFIT.sub("", value) for value in row]

    written = _xlsx_rows(write_xlsx([row], ["a", "b", "c", "d"], "Sheet"))[1]

    # openpyxl reads an empty text cell as None
    assert [cell or "" for cell in written[: len(row)]] == [_neutralized(v) for v in row]
    assert not any((cell or "").startswith(DANGEROUS_STARTS) for cell in written)


unfit = st.text(st.sampled_from("\x00\x01\x08\x0b\x1f\r\ufffe\uffff"), max_size=3)
xml_unfit_text = st.builds(lambda a, b: a + b, unfit, st.one_of(st.text(max_size=20), risky))


@given(row=st.lists(xml_unfit_text, min_size=1, max_size=4))
@settings(deadline=None, max_examples=60)
def test_text_xml_cannot_hold_is_cleaned_before_it_is_neutralized(row):
    # "\x01=cmd" would start with "=" once the control character is gone.
    written = _xlsx_rows(write_xlsx([row], ["a", "b", "c", "d"], "Sheet"))[1]

    assert not any((cell or "").startswith(DANGEROUS_STARTS) for cell in written)


def test_a_control_character_hiding_a_formula_is_still_neutralized():
    written = _xlsx_rows(write_xlsx([["\x01=cmd|'/c calc'!A1", "a\r\nb"]], ["a", "b"], "S"))[1]

    assert written == ("'=cmd|'/c calc'!A1", "a\nb")


def test_the_csv_has_a_bom_semicolons_and_a_header_row():
    content = write_csv([["Pörssi Oy", "Tampere; Pirkanmaa"]], ["Nimi", "Kaupunki"])

    assert content.startswith(b"\xef\xbb\xbfNimi;Kaupunki\r\n")
    assert _csv_rows(content) == [["Nimi", "Kaupunki"], ["Pörssi Oy", "Tampere; Pirkanmaa"]]


def test_the_delimiter_can_be_a_comma():
    content = write_csv([["a", "b,c"]], ["x", "y"], delimiter=",")

    assert content.decode("utf-8-sig") == 'x,y\r\na,"b,c"\r\n'


def test_numbers_and_dates_are_not_neutralized_in_csv():
    moment = datetime(2026, 11, 23, 10, 5, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo("Europe/Helsinki")):
        content = write_csv(
            [[-5, Decimal("-1.50"), date(2026, 1, 2), moment]], ["a", "b", "c", "d"]
        )

    assert _csv_rows(content)[1] == ["-5", "-1.50", "2026-01-02", "2026-11-23 12:05"]


def test_a_long_csv_comes_out_in_several_chunks():
    rows = ([f"row {n}", "x" * 100] for n in range(2000))

    chunks = list(iter_csv(rows, ["a", "b"]))

    assert len(chunks) > 3
    assert len(_csv_rows(b"".join(chunks))) == 2001


def test_the_xlsx_has_a_bold_frozen_header_and_real_numbers_and_dates():
    moment = datetime(2026, 11, 23, 10, 5, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo("Europe/Budapest")):
        content = write_xlsx(
            [["Nagy Kft", -5, Decimal("1.5"), date(2026, 1, 2), moment]],
            ["Név", "a", "b", "c", "d"],
            "Szervezetek: [2026]",
        )

    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "Szervezetek 2026"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "Név"
    assert sheet["A1"].font.b
    assert [cell.data_type for cell in sheet[2]] == ["s", "n", "n", "d", "d"]
    assert sheet["B2"].value == -5
    # Budapest wall-clock time, as spreadsheets know no zones
    assert sheet["E2"].value == datetime(2026, 11, 23, 11, 5, tzinfo=UTC).replace(tzinfo=None)
