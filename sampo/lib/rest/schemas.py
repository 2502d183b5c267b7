"""The bases of request schemas in the API: bodies read strictly, times only as ISO 8601."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.utils.dateparse import parse_date, parse_datetime, parse_time
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, field_validator


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(item) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


class NoNul(Schema):
    """Text with a NUL character is refused (422), as a form field refuses it: PostgreSQL can
    neither store nor compare it."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _has_nul(value):
            raise ValueError(_("Null characters are not allowed."))
        return value


class QueryInput(NoNul):
    """A list's query parameters: text, read into the declared types."""


class Input(NoNul):
    """A request body. An unknown field is a 422 naming it (a typo never goes unnoticed); only a
    JSON object is an object (ninja would otherwise read any value by attribute and take
    `[1, 2]` for an item with every field unset); and values are not coerced (`false` is no
    owner id, `12` no name). A field that must be read from a JSON string (a date, a decimal
    amount) says so with `Field(strict=False)`."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _iso_8601(value: Any) -> Any:
    if isinstance(value, str) and parse_datetime(value.strip()) is None:
        raise ValueError(_("Give the time in ISO 8601, e.g. 2026-05-01T08:00:00Z."))
    if isinstance(value, int | float):
        raise ValueError(_("Give the time in ISO 8601, e.g. 2026-05-01T08:00:00Z."))
    return value


# A time in a query string: ISO 8601 only (pydantic would also read "0.5" as seconds since 1970).
IsoDateTime = Annotated[datetime.datetime, BeforeValidator(_iso_8601)]


def _iso_date(value: Any) -> Any:
    if isinstance(value, int | float) or (
        isinstance(value, str) and parse_date(value.strip()) is None
    ):
        raise ValueError(_("Give the day in ISO 8601, e.g. 2026-05-01."))
    return value


# A day in a query string: ISO 8601 only (pydantic would also read a number as a timestamp).
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]


def _iso_time(value: Any) -> Any:
    if isinstance(value, int | float) or (
        isinstance(value, str) and parse_time(value.strip()) is None
    ):
        raise ValueError(_("Give the time of day in ISO 8601, e.g. 14:30."))
    return value


IsoTime = Annotated[datetime.time, BeforeValidator(_iso_time)]
