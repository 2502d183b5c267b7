"""List filters on custom fields, read from a list's query string and applied in SQL.

Each field's filter takes its parameters by the field's key (`cf_<code>`): text contains
(`cf_x`) or equals (`cf_x_op=equals`); number and money ranges (`cf_x_min`, `cf_x_max`, money
also `cf_x_currency`); date ranges (`cf_x_from`, `cf_x_to`); choices any-of (`cf_x` repeated);
yes or no (`cf_x=yes|no`, where "no" includes records without a value).

Expressions are built from the field's code (KeyTransform), never by parsing a lookup path,
so no code can be mistaken for a lookup name.
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import DecimalField, Q, QuerySet, TextField
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast
from django.http import QueryDict

from sampo.core.custom_fields import indexes
from sampo.core.models import CustomField

Kind = CustomField.Kind
RANGE_KINDS = {Kind.NUMBER, Kind.MONEY}
NUMBER: Any = DecimalField(max_digits=30, decimal_places=6)


def _text(code: str, key: str | None = None) -> Cast:
    """A value (or, with `key`, a money value's part) as plain text: compared as text, not
    by the JSON field's own lookups, which would read the other side as JSON."""
    value = KeyTransform(code, "custom")
    return Cast(
        KeyTextTransform(key, value) if key else KeyTextTransform(code, "custom"), TextField()
    )


def _decimal(text: str | None) -> Decimal | None:
    text = (text or "").replace(" ", "").replace("\u00a0", "").replace(",", ".")
    try:
        value = Decimal(text) if text else None
    except InvalidOperation:
        return None
    return value if value is not None and value.is_finite() else None


def _date(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@dataclass
class FieldFilter:
    field: CustomField
    text: str = ""
    equals: bool = False
    low: Decimal | None = None
    high: Decimal | None = None
    currency: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None
    keys: list[str] = dataclasses.field(default_factory=list)
    yes_no: str = ""

    @property
    def active(self) -> bool:
        return bool(
            self.text
            or self.low is not None
            or self.high is not None
            or self.since
            or self.until
            or self.keys
            or self.yes_no
        )

    def apply(self, rows: QuerySet) -> QuerySet:
        code, kind, alias = self.field.code, self.field.kind, f"_cf_{self.field.pk}"
        if kind in (Kind.TEXT, Kind.LONG_TEXT):
            rows = rows.alias(**{alias: KeyTextTransform(code, "custom")})
            lookup = "iexact" if self.equals else "icontains"
            return rows.filter(**{f"{alias}__{lookup}": self.text})
        if kind in RANGE_KINDS:
            # The expression of the field's index (indexes.py), so that the index serves it.
            rows = rows.alias(**{alias: indexes.value_expression(self.field)})
            if self.low is not None:
                rows = rows.filter(**{f"{alias}__gte": self.low})
            if self.high is not None:
                rows = rows.filter(**{f"{alias}__lte": self.high})
            if kind == Kind.MONEY and self.currency and (self.low, self.high) != (None, None):
                rows = rows.alias(**{f"{alias}_c": _text(code, "currency")})
                rows = rows.filter(**{f"{alias}_c": self.currency})
            return rows
        if kind == Kind.DATE:
            rows = rows.alias(**{alias: indexes.value_expression(self.field)})
            if self.since:
                rows = rows.filter(**{f"{alias}__gte": self.since.isoformat()})
            if self.until:
                rows = rows.filter(**{f"{alias}__lte": self.until.isoformat()})
            return rows
        if kind == Kind.CHOICE:
            rows = rows.alias(**{alias: indexes.value_expression(self.field)})
            return rows.filter(**{f"{alias}__in": self.keys})
        if kind == Kind.MULTI_CHOICE:
            # The list as JSON text holds each key in quotes; keys are slugs, so a quoted key
            # cannot appear inside another one.
            rows = rows.alias(**{alias: KeyTextTransform(code, "custom")})
            condition = Q()
            for key in self.keys:
                condition |= Q(**{f"{alias}__contains": f'"{key}"'})
            return rows.filter(condition)
        rows = rows.alias(**{alias: KeyTransform(code, "custom")})
        if self.yes_no == "yes":
            return rows.filter(**{alias: True})
        return rows.filter(
            Q(**{alias: False}) | Q(**{f"{alias}__isnull": True}) | Q(custom__isnull=True)
        )


def parse(fields: list[CustomField], query: QueryDict) -> list[FieldFilter]:
    """A filter per field (inactive when its parameters are empty or malformed)."""
    found = []
    for custom in fields:
        key, kind = custom.key, custom.kind
        item = FieldFilter(custom)
        if kind in (Kind.TEXT, Kind.LONG_TEXT):
            item.text = query.get(key, "").strip()[:200]
            item.equals = query.get(f"{key}_op") == "equals"
        elif kind in RANGE_KINDS:
            item.low, item.high = (
                _decimal(query.get(f"{key}_min")),
                _decimal(query.get(f"{key}_max")),
            )
            item.currency = query.get(f"{key}_currency", "").strip().upper()[:3]
        elif kind == Kind.DATE:
            item.since, item.until = _date(query.get(f"{key}_from")), _date(query.get(f"{key}_to"))
        elif kind in (Kind.CHOICE, Kind.MULTI_CHOICE):
            known = {choice["key"] for choice in custom.choices or []}
            item.keys = [k for k in query.getlist(key) if k in known]
        else:
            answer = query.get(key, "")
            item.yes_no = answer if answer in ("yes", "no") else ""
        found.append(item)
    return found


def apply(rows: QuerySet, filters: list[FieldFilter] | None) -> QuerySet:
    for item in filters or []:
        if item.active:
            rows = item.apply(rows)
    return rows


def any_active(filters: list[FieldFilter] | None) -> bool:
    return any(item.active for item in filters or [])


def described(filters: list[FieldFilter]) -> dict[str, Any]:
    """By key, for templates: {"cf_x": filter}."""
    return {item.field.key: item for item in filters}
