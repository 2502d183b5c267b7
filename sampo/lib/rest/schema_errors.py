"""Pydantic's messages about a request that does not fit its schema, in the caller's language.
Pydantic writes them in English; each error has a type, which picks a translated message here.
An error type not listed keeps pydantic's own words."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "missing": _("This field is required."),
    "extra_forbidden": _("Unknown field."),
    "string_type": _("Give text."),
    "int_type": _("Give a whole number."),
    "int_parsing": _("Give a whole number."),
    "int_from_float": _("Give a whole number."),
    "bool_type": _("Give true or false."),
    "bool_parsing": _("Give true or false."),
    "float_type": _("Give a number."),
    "float_parsing": _("Give a number."),
    "decimal_type": _("Give a decimal number, e.g. 12500.50."),
    "decimal_parsing": _("Give a decimal number, e.g. 12500.50."),
    "decimal_max_digits": _("The number has too many digits."),
    "decimal_max_places": _("The number has too many decimals."),
    "date_type": _("Give the day in ISO 8601, e.g. 2026-05-01."),
    "date_parsing": _("Give the day in ISO 8601, e.g. 2026-05-01."),
    "date_from_datetime_parsing": _("Give the day in ISO 8601, e.g. 2026-05-01."),
    "datetime_type": _("Give the time in ISO 8601, e.g. 2026-05-01T08:00:00Z."),
    "datetime_parsing": _("Give the time in ISO 8601, e.g. 2026-05-01T08:00:00Z."),
    "datetime_from_date_parsing": _("Give the time in ISO 8601, e.g. 2026-05-01T08:00:00Z."),
    "time_type": _("Give the time of day in ISO 8601, e.g. 14:30."),
    "time_parsing": _("Give the time of day in ISO 8601, e.g. 14:30."),
    "list_type": _("Give a list."),
    "dict_type": _("Give an object."),
    "model_type": _("Give an object."),
    "model_attributes_type": _("Give an object."),
    "string_too_long": _("At most %(max_length)s characters."),
    "string_too_short": _("At least %(min_length)s characters."),
    "too_long": _("At most %(max_length)s items."),
    "too_short": _("At least %(min_length)s items."),
    "greater_than_equal": _("At least %(ge)s."),
    "greater_than": _("More than %(gt)s."),
    "less_than_equal": _("At most %(le)s."),
    "less_than": _("Less than %(lt)s."),
    "literal_error": _("Choose one of: %(expected)s."),
    "enum": _("Choose one of: %(expected)s."),
}


def message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "value_error":  # our own validators' messages, translated where raised
        return str(error.get("ctx", {}).get("error", error.get("msg", "")))
    text = MESSAGES.get(kind)
    if text is None:
        return str(error.get("msg", ""))
    try:
        return str(text) % dict(error.get("ctx") or {})
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", ""))
