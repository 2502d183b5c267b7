"""Days as spreadsheets and people write them: ISO ("2027-03-31", also with a time, as an
XLSX cell reads), Finnish ("31.3.2027"), Hungarian ("2027. 03. 31." or "2027.03.31")."""

from __future__ import annotations

import datetime
import re

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_FINNISH = re.compile(r"^(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4})$")
_HUNGARIAN = re.compile(r"^(\d{4})\.\s*(\d{1,2})\.\s*(\d{1,2})\.?$")


def parse_day(text: str) -> datetime.date:
    """The day the text names; ValueError when it names none (or an impossible one)."""
    value = text.strip()
    if found := _ISO.match(value) or _HUNGARIAN.match(value):
        year, month, day = (int(part) for part in found.groups())
    elif found := _FINNISH.match(value):
        day, month, year = (int(part) for part in found.groups())
    else:
        raise ValueError(text)
    return datetime.date(year, month, day)
