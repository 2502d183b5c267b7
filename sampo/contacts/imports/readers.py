"""Files as people really have them, read into a header row and rows of text cells.

CSV in UTF-8 (with or without a byte order mark), UTF-16 (Excel's "Unicode text") or a legacy
Windows encoding; `;`, `,` or tab between cells (Finnish and Hungarian Excel write `;`); line
breaks inside quoted cells. XLSX, read in read-only mode. vCard 3.0 and 4.0, for people.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import vobject
from charset_normalizer import from_bytes
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

DELIMITERS = (";", ",", "\t")
# Tried in this order when a file is not valid UTF-8 and the detector is unsure: what
# Finnish and Hungarian Windows machines write, then Latin-1, which reads any byte.
FALLBACK_ENCODINGS = ("cp1252", "cp1250", "latin-1")
# The detector may only choose among encodings people's files really come in; left free it
# reads a short Finnish file as, say, Cyrillic.
LIKELY_ENCODINGS = ("utf_8", "utf_16", "cp1252", "cp1250", "latin_1", "iso8859_15", "iso8859_2")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")

# The columns of a vCard, in the words the mapping guesses (English field names).
VCARD_HEADERS = [
    "First name",
    "Last name",
    "Organization",
    "Job title",
    "Email",
    "Phone",
    "Mobile",
    "More emails",
    "More phones",
    "Street address",
    "Postal code",
    "City",
    "Country",
    "Preferred language",
    "Notes",
]


class UnreadableFileError(ValidationError):
    pass


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    file_format: str
    encoding: str = ""
    delimiter: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def read_table(content: bytes, file_name: str) -> Table:
    """The file as a table, or UnreadableFileError with a message for the user."""
    limit = settings.IMPORT_MAX_BYTES
    if len(content) > limit:
        raise UnreadableFileError(
            _("The file is too big: at most %(size)d MB can be imported at once.")
            % {"size": limit // (1024 * 1024)}
        )
    if not content.strip():
        raise UnreadableFileError(_("The file is empty."))
    try:
        table = _read(content, file_name.lower())
    except UnreadableFileError:
        raise
    except Exception as error:  # any parser's complaint about a broken file
        raise UnreadableFileError(
            _(
                "The file could not be read. Save it as CSV, XLSX or vCard and try again "
                "(%(detail)s)."
            )
            % {"detail": str(error)[:200]}
        ) from error
    if not any(header.strip() for header in table.headers):
        raise UnreadableFileError(_("The file has no header row with column names."))
    return table


def _read(content: bytes, name: str) -> Table:
    if content[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return read_xlsx(content)
    text, encoding = decode(content)
    if name.endswith((".vcf", ".vcard")) or text.lstrip()[:11].upper() == "BEGIN:VCARD":
        return read_vcards(text, encoding)
    return read_csv(text, encoding)


def decode(content: bytes) -> tuple[str, str]:
    if content.startswith(b"\xef\xbb\xbf"):
        return content[3:].decode("utf-8"), "utf-8-sig"
    if content.startswith(_UTF16_BOMS):
        return content.decode("utf-16"), "utf-16"
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if content[:1000].count(b"\x00") > len(content[:1000]) // 4:  # UTF-16 without a BOM
        order = "utf-16-le" if content[1:2] == b"\x00" else "utf-16-be"
        return content.decode(order, errors="replace"), order
    best = from_bytes(content[:200_000], cp_isolation=list(LIKELY_ENCODINGS)).best()
    candidates = [_windows_flavour(content)] if best is None or _is_latin(best.encoding) else []
    candidates += ([best.encoding] if best is not None else []) + list(FALLBACK_ENCODINGS)
    for encoding in candidates:
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableFileError(_("The file's characters could not be read."))  # pragma: no cover


def _is_latin(encoding: str) -> bool:
    return encoding.replace("-", "_") in {"cp1252", "cp1250", "latin_1", "iso8859_15", "iso8859_2"}


def _windows_flavour(content: bytes) -> str:
    """Windows-1250 (Central European) only when the text has Hungarian letters that Windows-
    1252 lacks (ő, ű): the two agree on ä, ö, é, á, and Windows-1252 is the likelier."""
    try:
        central = content.decode("cp1250")
    except UnicodeDecodeError:
        return "cp1252"
    return "cp1250" if any(letter in central for letter in "őűŐŰ") else "cp1252"


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header line: the one of ; , tab it holds most of (outside quotes)."""
    sample = text[:20_000]
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        header = next(csv.reader(io.StringIO(sample, newline="")), [])
        line = ",".join(header) if len(header) > 1 else sample.split("\n", 1)[0]
        counts = {delimiter: line.count(delimiter) for delimiter in DELIMITERS}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ";"


def read_csv(text: str, encoding: str) -> Table:
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        raise UnreadableFileError(_("The file is empty."))
    headers = [cell.strip() for cell in rows[0]]
    return Table(headers, rows[1:], "csv", encoding=encoding, delimiter=delimiter)


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes") if value.time() else str(value.date())
    if isinstance(value, datetime.date | Decimal | int | float):
        return str(value)
    return str(value)


def read_xlsx(content: bytes) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError) as error:
        raise UnreadableFileError(
            _("The file is not an Excel workbook (XLSX) that can be read.")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows = [
            [_xlsx_cell(value) for value in row]
            for row in sheet.iter_rows(values_only=True)
            if any(value not in (None, "") for value in row)
        ]
    finally:
        workbook.close()
    if not rows:
        raise UnreadableFileError(_("The file is empty."))
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    return Table([cell.strip() for cell in rows[0]], rows[1:], "xlsx")


def read_vcards(text: str, encoding: str) -> Table:
    rows = [vcard_row(card) for card in vobject.readComponents(text)]
    if not rows:
        raise UnreadableFileError(_("The file holds no vCards."))
    return Table(list(VCARD_HEADERS), rows, "vcard", encoding=encoding)


def _values(card: object, name: str) -> list[object]:
    return [line.value for line in getattr(card, "contents", {}).get(name, [])]


def _text(value: object) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value if v)
    return str(value or "").strip()


def _kinds(line: object) -> set[str]:
    params = getattr(line, "params", {})
    kinds = {kind.lower() for value in params.get("TYPE", []) for kind in value.split(",")}
    if params.get("PREF"):  # vCard 4.0 says PREF=1; 3.0 says TYPE=pref
        kinds.add("pref")
    return kinds


def _preferred_first(lines: list[object]) -> list[object]:
    return sorted(lines, key=lambda line: "pref" not in _kinds(line))


def _label(kinds: set[str]) -> str:
    """A vCard TYPE as the label the import reads ("home: ..."), in English."""
    for kind, label in (("cell", "mobile"), ("home", "home"), ("work", "work")):
        if kind in kinds:
            return label
    return "other"


def _phones(card: object) -> tuple[str, str, str]:
    """The phone, the mobile and the rest ("home: +358...; other: ...")."""
    phone = mobile = ""
    rest = []
    for line in _preferred_first(getattr(card, "contents", {}).get("tel", [])):
        number = str(getattr(line, "value", "")).removeprefix("tel:").strip()
        kinds = _kinds(line)
        if kinds & {"cell", "mobile"} and not mobile:
            mobile = number
        elif not phone and not kinds & {"home", "cell", "mobile"}:
            phone = number
        elif number:
            rest.append(f"{_label(kinds)}: {number}")
    return phone, mobile, "; ".join(rest)


def _emails(card: object) -> tuple[str, str]:
    lines = _preferred_first(getattr(card, "contents", {}).get("email", []))
    values = [(_text(getattr(line, "value", "")), _kinds(line)) for line in lines]
    values = [(value, kinds) for value, kinds in values if value]
    if not values:
        return "", ""
    rest = "; ".join(f"{_label(kinds)}: {value}" for value, kinds in values[1:])
    return values[0][0], rest


def vcard_row(card: object) -> list[str]:
    name = next(iter(_values(card, "n")), None)
    given = _text(getattr(name, "given", "")) if name else ""
    family = _text(getattr(name, "family", "")) if name else ""
    if not (given or family):
        full = _text(next(iter(_values(card, "fn")), ""))
        given, _space, family = full.rpartition(" ")
    address = next(iter(_values(card, "adr")), None)
    org = next(iter(_values(card, "org")), "")
    phone, mobile, more_phones = _phones(card)
    email, more_emails = _emails(card)
    return [
        given,
        family,
        _text(org[0] if isinstance(org, list) and org else org),
        _text(next(iter(_values(card, "title")), "")),
        email,
        phone,
        mobile,
        more_emails,
        more_phones,
        _text(getattr(address, "street", "")) if address else "",
        _text(getattr(address, "code", "")) if address else "",
        _text(getattr(address, "city", "")) if address else "",
        _text(getattr(address, "country", "")) if address else "",
        _text(next(iter(_values(card, "lang")), "")),
        _text(next(iter(_values(card, "note")), "")),
    ]


def rows_from(table: Table, start: int = 0) -> Iterator[tuple[int, list[str]]]:
    """(row number as the spreadsheet shows it, cells padded to the header's width), from the
    `start`-th data row on."""
    width = len(table.headers)
    for index in range(start, len(table.rows)):
        cells = table.rows[index]
        padded = [*cells, *[""] * (width - len(cells))] if len(cells) < width else cells
        yield index + 2, padded
