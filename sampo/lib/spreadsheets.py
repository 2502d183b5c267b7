"""Lists written as spreadsheets: CSV that Finnish and Hungarian Excel opens as it is, and XLSX.

Text that a spreadsheet could take for a formula (it starts with =, +, -, @, a tab or a carriage
return) gets a leading apostrophe, as OWASP advises against CSV injection. Numbers and dates are
written as numbers and dates, so they are never neutralized.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

Cell = str | int | float | Decimal | date | datetime | None

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold at all (openpyxl would write a file nobody can open).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Excel's own limits on a sheet's name.
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_TITLE_MAX = 31
# A CSV chunk handed to the web server: big enough to be cheap, small enough to stream.
_CSV_CHUNK = 64 * 1024


def neutralize(value: object) -> str:
    """The value as text, with an apostrophe in front if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def _local(moment: datetime) -> datetime:
    """Naive wall-clock time of the reader's zone, to the second: spreadsheets know no zones."""
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _csv_cell(value: Cell) -> str:
    if isinstance(value, datetime):
        return _local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return neutralize(value)


def iter_csv(
    rows: Iterable[Sequence[Cell]], headers: Sequence[str], *, delimiter: str = ";"
) -> Iterator[bytes]:
    """CSV in UTF-8 with a byte order mark (without it Excel guesses a legacy encoding), in
    chunks, so that a long list streams without being held in memory. `;` is the default
    delimiter because Excel in Finnish and Hungarian expects it (the comma is their decimal
    separator)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    yield "\ufeff".encode()
    writer.writerow([neutralize(header) for header in headers])
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
        if buffer.tell() >= _CSV_CHUNK:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_csv(
    rows: Iterable[Sequence[Cell]], headers: Sequence[str], *, delimiter: str = ";"
) -> bytes:
    return b"".join(iter_csv(rows, headers, delimiter=delimiter))


def xlsx_text(value: object) -> str:
    """Text as an XLSX cell can hold it: XML forbids most control characters, and an XML
    reader turns a carriage return into a line feed; then neutralized."""
    text = "" if value is None else str(value)
    text = _XML_ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return neutralize(text)


def _xlsx_cell(value: Cell) -> object:
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, date | int | float | Decimal) and not isinstance(value, bool):
        return value
    return xlsx_text(value)


def _safe_sheet_title(title: str) -> str:
    return _SHEET_TITLE_FORBIDDEN.sub("", title)[:_SHEET_TITLE_MAX].strip() or "Sheet"


def write_xlsx(rows: Iterable[Sequence[Cell]], headers: Sequence[str], sheet_title: str) -> bytes:
    """One sheet, header row bold and frozen. Write-only mode keeps only a row at a time in
    memory (openpyxl spools the sheet to a temporary file)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_safe_sheet_title(sheet_title))
    sheet.freeze_panes = "A2"
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) + 4)
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=xlsx_text(header))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
