"""Each kind of custom field: its value as stored in JSON, as read back, as shown, and as
parsed from an imported cell.

JSON shapes (chosen so that a value reads back exactly, and filters can work in SQL):
text and long text a string; number a string holding a Decimal ("1234.5"); money
{"amount": "1234.50", "currency": "EUR"}; date "YYYY-MM-DD" (sorts as text); choice the
choice's key; several choices a list of keys; yes or no true/false.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, translation
from django.utils.translation import gettext as _

from sampo.core.models import CustomField
from sampo.core.templatetags.sampo import money
from sampo.lib.text import fold

Kind = CustomField.Kind
TEXT_MAX = 255
LONG_TEXT_MAX = 10_000
AMOUNT_LIMIT = Decimal("1e14")
CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "ft": "HUF", "zł": "PLN", "kč": "CZK"}
YES = {"yes", "y", "true", "1", "x", "kylla", "k", "igen", "i"}
NO = {"no", "n", "false", "0", "ei", "e", "nem"}


def default_currency(field: CustomField) -> str:
    return field.currency or settings.DEFAULT_CURRENCY


def choice_labels(field: CustomField) -> dict[str, str]:
    return {choice["key"]: choice["label"] for choice in field.choices or []}


def open_choices(field: CustomField) -> list[tuple[str, str]]:
    """Choices offered for a new value: archived ones are kept on records, not offered."""
    return [(c["key"], c["label"]) for c in field.choices or [] if not c.get("archived")]


# --- Python value <-> JSON ----------------------------------------------------------------------


def _amount_text(amount: Decimal) -> str:
    return format(amount.normalize() if amount == amount.to_integral() else amount, "f")


def to_json(field: CustomField, value: Any) -> Any:
    """A form's cleaned value as stored; None for "no value"."""
    if value in (None, "", [], ()):
        return None
    kind = field.kind
    if kind in (Kind.TEXT, Kind.LONG_TEXT):
        return str(value).strip() or None
    if kind == Kind.NUMBER:
        return _amount_text(Decimal(value))
    if kind == Kind.MONEY:
        amount, currency = value
        if amount is None:
            return None
        return {
            "amount": str(Decimal(amount).quantize(Decimal("0.01"))),
            "currency": currency or default_currency(field),
        }
    if kind == Kind.DATE:
        return value.isoformat()
    if kind == Kind.MULTI_CHOICE:
        order = [c["key"] for c in field.choices or []]
        return sorted(set(value), key=lambda key: order.index(key) if key in order else 99999)
    if kind == Kind.YES_NO:
        return bool(value)
    return str(value)


def from_json(field: CustomField, raw: Any) -> Any:
    """A stored value as a form's initial value."""
    if raw is None:
        return None
    kind = field.kind
    try:
        if kind == Kind.NUMBER:
            return Decimal(str(raw))
        if kind == Kind.MONEY:
            return [Decimal(str(raw["amount"])), raw.get("currency") or default_currency(field)]
        if kind == Kind.DATE:
            return datetime.date.fromisoformat(str(raw))
    except (InvalidOperation, ValueError, TypeError, KeyError):
        return None
    return raw


def check(field: CustomField, raw: Any) -> Any:
    """A JSON value given to a service in the kind's stored shape (numbers as Decimal text),
    refused unless it has that shape."""
    if raw is None:
        return None
    kind = field.kind
    ok = True
    if kind in (Kind.TEXT, Kind.LONG_TEXT):
        limit = TEXT_MAX if kind == Kind.TEXT else LONG_TEXT_MAX
        ok = isinstance(raw, str) and len(raw) <= limit
    elif kind == Kind.NUMBER:
        number = from_json(field, raw)
        ok = number is not None and number.is_finite() and abs(number) < AMOUNT_LIMIT
        if ok:
            raw = _amount_text(number)
    elif kind == Kind.MONEY:
        money_value: Any = from_json(field, raw) if isinstance(raw, dict) else None
        ok = money_value is not None and money_value[0].is_finite()
        ok = ok and abs(money_value[0]) < AMOUNT_LIMIT
        ok = ok and bool(re.fullmatch(r"[A-Z]{3}", str(raw.get("currency", ""))))
        if ok:
            raw = to_json(field, money_value)
    elif kind == Kind.DATE:
        ok = from_json(field, raw) is not None
    elif kind == Kind.CHOICE:
        ok = raw in choice_labels(field)
    elif kind == Kind.MULTI_CHOICE:
        ok = isinstance(raw, list) and all(key in choice_labels(field) for key in raw)
    elif kind == Kind.YES_NO:
        ok = isinstance(raw, bool)
    if not ok:
        raise ValidationError(
            _("“%(value)s” is not a valid value for %(field)s.")
            % {"value": raw, "field": field.display_label}
        )
    return raw


# --- Shown to a reader --------------------------------------------------------------------------


def display(field: CustomField, raw: Any) -> str:
    """The value as a reader sees it, in their language and number format."""
    if raw is None or raw == [] or raw == "":
        return ""
    kind = field.kind
    value = from_json(field, raw)
    if kind == Kind.NUMBER and value is not None:
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if kind == Kind.MONEY and value is not None:
        return money(value[0], value[1])
    if kind == Kind.DATE and value is not None:
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if kind == Kind.CHOICE:
        return choice_labels(field).get(raw, str(raw))
    if kind == Kind.MULTI_CHOICE:
        labels = choice_labels(field)
        return "; ".join(labels.get(key, str(key)) for key in raw)
    if kind == Kind.YES_NO:
        return _("yes") if raw else _("no")
    return str(raw)


def export_cell(field: CustomField, raw: Any) -> Any:
    """The value as an exported cell: numbers and dates typed, money with its currency code,
    so that the import reads every value back."""
    if raw is None:
        return None
    kind = field.kind
    value = from_json(field, raw)
    if kind == Kind.NUMBER:
        return value
    if kind == Kind.MONEY and value is not None:
        return f"{value[0]} {value[1]}"
    if kind == Kind.DATE:
        return value
    return display(field, raw)


# --- Parsed from an imported cell ---------------------------------------------------------------


def _decimal(text: str) -> Decimal:
    """ "1 234,50", "1234.50", "1,234.50", "1.234,50": the last separator is the decimal one
    when both appear; a lone comma is a decimal comma (Finnish and Hungarian write so)."""
    cleaned = re.sub(r"[\s\u00a0\u202f']", "", text)
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not amount.is_finite() or abs(amount) >= AMOUNT_LIMIT:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": text})
    return amount


def _money(field: CustomField, text: str) -> dict[str, str]:
    rest = text.strip()
    currency = ""
    if match := re.search(r"\b([A-Za-z]{3})\b", rest):
        currency, rest = match.group(1).upper(), rest.replace(match.group(0), "")
    else:
        for sign, code in CURRENCY_SIGNS.items():
            if sign in rest.lower():
                currency, rest = code, re.sub(re.escape(sign), "", rest, flags=re.IGNORECASE)
                break
    amount = _decimal(rest)
    return to_json(field, (amount, currency or default_currency(field)))


DATE_FORMATS = ("%d.%m.%Y", "%Y.%m.%d", "%Y. %m. %d", "%d/%m/%Y")


def _date(text: str) -> str:
    cleaned = text.strip().rstrip(".")
    try:
        return datetime.date.fromisoformat(cleaned[:10]).isoformat()
    except ValueError:
        pass
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, pattern).date().isoformat()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
    raise ValidationError(
        _("“%(value)s” is not a date; write it as 31.12.2026 or 2026-12-31.") % {"value": text}
    )


def _choice_key(field: CustomField, text: str) -> str:
    wanted = fold(text)
    for choice in field.choices or []:
        if wanted in (fold(choice["label"]), fold(choice["key"])):
            return str(choice["key"])
    raise ValidationError(
        _("“%(value)s” is not one of the choices of %(field)s.")
        % {"value": text, "field": field.display_label}
    )


def _yes_no(text: str) -> bool:
    folded = fold(text)
    translated = {}
    for language in ("en", "fi", "hu"):
        with translation.override(language):
            translated[fold(_("yes"))] = True
            translated[fold(_("no"))] = False
    if folded in translated:
        return translated[folded]
    if folded in YES or folded in NO:
        return folded in YES
    raise ValidationError(_("“%(value)s” is not yes or no.") % {"value": text})


def parse_text(field: CustomField, text: str) -> Any:
    """An imported cell's text as the stored value, or a ValidationError saying why not."""
    text = text.strip()
    if not text:
        return None
    kind = field.kind
    if kind == Kind.TEXT:
        if len(text) > TEXT_MAX:
            raise ValidationError(_("Use at most %(count)d characters.") % {"count": TEXT_MAX})
        return text
    if kind == Kind.LONG_TEXT:
        return text[:LONG_TEXT_MAX]
    if kind == Kind.NUMBER:
        return _amount_text(_decimal(text))
    if kind == Kind.MONEY:
        return _money(field, text)
    if kind == Kind.DATE:
        return _date(text)
    if kind == Kind.CHOICE:
        return _choice_key(field, text)
    if kind == Kind.MULTI_CHOICE:
        separator = ";" if ";" in text else ","
        parts = [part.strip() for part in text.split(separator) if part.strip()]
        return to_json(field, [_choice_key(field, part) for part in parts])
    return _yes_no(text)


def shown(record: Any, fields: list[CustomField]) -> list[tuple[CustomField, str]]:
    """The record's values of `fields` that are set, as a reader sees them."""
    stored = getattr(record, "custom", None) or {}
    found = [(field, display(field, stored.get(field.code))) for field in fields]
    return [(field, text) for field, text in found if text]
