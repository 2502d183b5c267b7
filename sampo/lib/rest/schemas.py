"""The bases of request schemas in the API: bodies read strictly, times only as ISO 8601."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.utils.dateparse import parse_datetime
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict


class Input(Schema):
    """A request body. An unknown field is a 422 naming it (a typo never goes unnoticed); only a
    JSON object is an object (ninja would otherwise read any value by attribute and take
    `[1, 2]` for an item with every field unset); and values are not coerced (`false` is no
    owner id, `12` no name). A field that must be read from a JSON string (a date, a decimal
    amount) says so with `Field(strict=False)`."""

    model_config = ConfigDict(extra="forbid", strict=True)


def _iso_8601(value: Any) -> Any:
    if isinstance(value, str) and parse_datetime(value.strip()) is None:
        raise ValueError("Give the time in ISO 8601, e.g. 2026-05-01T08:00:00Z.")
    if isinstance(value, int | float):
        raise ValueError("Give the time in ISO 8601, e.g. 2026-05-01T08:00:00Z.")
    return value


# A time in a query string: ISO 8601 only (pydantic would also read "0.5" as seconds since 1970).
IsoDateTime = Annotated[datetime.datetime, BeforeValidator(_iso_8601)]
