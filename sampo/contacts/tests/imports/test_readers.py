"""Files as people have them: every encoding, delimiter and format the import reads."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from sampo.contacts.imports.readers import UnreadableFileError, read_table

ROWS = [["Nimi", "Kaupunki", "Muistiinpanot"], ["Pörssi Oy", "Jyväskylä", "rivi 1\nrivi 2"]]


def _csv(delimiter: str) -> str:
    return "\r\n".join(
        delimiter.join(f'"{cell}"' if "\n" in cell else cell for cell in row) for row in ROWS
    )


@pytest.mark.parametrize(
    ("encoded", "encoding"),
    [
        (_csv(";").encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + _csv(";").encode("utf-8"), "utf-8-sig"),
        (_csv(";").encode("utf-16"), "utf-16"),  # Excel's "Unicode text" has a BOM
        (_csv(";").encode("cp1252"), "cp1252"),
        (_csv(";").encode("latin-1"), "cp1252"),
    ],
)
def test_it_reads_finnish_letters_in_every_encoding_excel_writes(encoded, encoding):
    table = read_table(encoded, "asiakkaat.csv")

    assert table.encoding == encoding
    assert table.headers == ROWS[0]
    assert table.rows == [ROWS[1]]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_it_sniffs_the_delimiter_and_keeps_quoted_line_breaks(delimiter):
    table = read_table(_csv(delimiter).encode("cp1252"), "a.csv")

    assert table.delimiter == delimiter
    assert table.rows == [["Pörssi Oy", "Jyväskylä", "rivi 1\nrivi 2"]]


def test_it_reads_hungarian_letters_from_windows_1250():
    text = "Név;Város\nŐri Kft.;Győr\nSzűcs Bt.;Pécs\n"

    table = read_table(text.encode("cp1250"), "ugyfelek.csv")

    assert table.encoding == "cp1250"
    assert table.rows == [["Őri Kft.", "Győr"], ["Szűcs Bt.", "Pécs"]]


def test_it_reads_the_first_sheet_of_a_workbook_with_numbers_as_text():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nimi", "Henkilöstö", "Postinumero"])
    sheet.append(["Pörssi Oy", 12, "00100"])
    sheet.append([None, None, None])
    sheet.append(["Kone Oyj", 12.5, None])
    content = io.BytesIO()
    workbook.save(content)

    table = read_table(content.getvalue(), "yritykset.xlsx")

    assert table.file_format == "xlsx"
    assert table.rows == [["Pörssi Oy", "12", "00100"], ["Kone Oyj", "12.5", ""]]


VCARD_3 = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Virtanen;Matti;;;\r\nFN:Matti Virtanen\r\n"
    "ORG:Rakennus Virtanen Oy\r\nTITLE:Toimitusjohtaja\r\nEMAIL;TYPE=INTERNET:matti@virtanen.fi\r\n"
    "TEL;TYPE=CELL:040 123 4567\r\nTEL;TYPE=WORK:03 1234 5678\r\n"
    "ADR;TYPE=WORK:;;Hämeenkatu 1;Tampere;;33100;Finland\r\nNOTE:Tapasimme messuilla\r\n"
    "END:VCARD\r\n"
)
VCARD_4 = (
    "BEGIN:VCARD\r\nVERSION:4.0\r\nN:Nagy;Eszter;;;\r\nFN:Nagy Eszter\r\n"
    "EMAIL:eszter@nagy.hu\r\nTEL;VALUE=uri;TYPE=cell:tel:+36301234567\r\nLANG:hu\r\n"
    "END:VCARD\r\n"
)


def test_it_reads_several_emails_and_phones_of_a_vcard_the_preferred_one_first():
    card = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nN:Nagy;Eszter;;;\r\nFN:Nagy Eszter\r\n"
        "EMAIL;TYPE=home:eszter@otthon.example\r\nEMAIL;PREF=1;TYPE=work:eszter@ceg.example\r\n"
        "EMAIL:e.nagy@regi.example\r\nTEL;VALUE=uri;TYPE=work:tel:+3612345678\r\n"
        "TEL;VALUE=uri;TYPE=cell:tel:+36301234567\r\nTEL;VALUE=uri;TYPE=home:tel:+3619876543\r\n"
        "TEL;VALUE=uri;TYPE=cell:tel:+36709876543\r\nEND:VCARD\r\n"
    )

    table = read_table(card.encode(), "eszter.vcf")

    row = dict(zip(table.headers, table.rows[0], strict=True))
    assert row["Email"] == "eszter@ceg.example"
    assert row["More emails"] == "home: eszter@otthon.example; other: e.nagy@regi.example"
    assert (row["Phone"], row["Mobile"]) == ("+3612345678", "+36301234567")
    assert row["More phones"] == "home: +3619876543; mobile: +36709876543"


def test_it_reads_vcard_3_and_4_into_person_columns():
    table = read_table((VCARD_3 + VCARD_4).encode(), "contacts.vcf")

    assert table.file_format == "vcard"
    rows = [dict(zip(table.headers, row, strict=True)) for row in table.rows]
    assert rows[0]["First name"] == "Matti"
    assert rows[0]["Last name"] == "Virtanen"
    assert rows[0]["Organization"] == "Rakennus Virtanen Oy"
    assert rows[0]["Mobile"] == "040 123 4567"
    assert rows[0]["Phone"] == "03 1234 5678"
    assert (rows[0]["Street address"], rows[0]["City"]) == ("Hämeenkatu 1", "Tampere")
    assert rows[1]["Last name"] == "Nagy"
    assert rows[1]["Mobile"] == "+36301234567"
    assert rows[1]["Preferred language"] == "hu"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "a.csv", "empty"),
        (b"PK\x03\x04 not really a zip", "a.xlsx", "not an Excel workbook"),
    ],
)
def test_it_refuses_an_unreadable_file_with_a_clear_message(content, name, message):
    with pytest.raises(UnreadableFileError) as refused:
        read_table(content, name)

    assert message in refused.value.messages[0]


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024

    with pytest.raises(UnreadableFileError) as refused:
        read_table(b"Nimi\n" + b"x" * (1024 * 1024), "big.csv")

    assert "too big" in refused.value.messages[0]
