"""Amounts of money as people type them in Finland, Hungary and elsewhere: "12 500,50 €",
"1.250.000 Ft", "EUR 12,500.50", read into a Decimal and, when the text names one, a currency."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

# Symbols and local names that stand for a currency code.
CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "ft": "HUF", "kr": "SEK", "zł": "PLN"}
_CODE = re.compile(r"\b([A-Za-z]{3})\b")
_NUMBER = re.compile(r"^[+-]?[\d.,' \u00a0\u202f]+$")


def parse_amount(text: str) -> tuple[Decimal, str]:
    """The amount and the currency code the text names ("" when none); ValueError when it is
    not an amount. A lone separator followed by exactly three digits groups thousands
    ("12.500", "12,500"); otherwise the last separator is the decimal one."""
    rest = text.strip()
    currency = ""
    lowered = rest.lower()
    for sign, code in CURRENCY_SIGNS.items():
        if sign in lowered:
            currency = code
            index = lowered.index(sign)
            rest = rest[:index] + rest[index + len(sign) :]
            break
    if not currency and (found := _CODE.search(rest)):
        currency = found.group(1).upper()
        rest = rest[: found.start()] + rest[found.end() :]
    number = rest.strip().rstrip(".-").strip()
    if not number or not _NUMBER.match(number):
        raise ValueError(text)
    number = re.sub(r"[' \u00a0\u202f]", "", number)
    separators = [i for i, ch in enumerate(number) if ch in ".,"]
    if separators:
        last = separators[-1]
        marks = {number[i] for i in separators}
        thousands_only = len(marks) == 1 and (len(separators) > 1 or len(number) - last - 1 == 3)
        if thousands_only:
            number = number.replace(number[last], "")
        else:
            whole = re.sub(r"[.,]", "", number[:last])
            number = f"{whole}.{number[last + 1 :]}"
    try:
        return Decimal(number), currency
    except InvalidOperation as error:
        raise ValueError(text) from error
