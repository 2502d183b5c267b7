"""The opportunity list as a file: its columns, in the reader's language. The rows come from
`selectors.opportunity_rows`, so an export holds what the list shows with the same filters."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db.models import Field, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampo.contacts.exports import CHUNK_SIZE, Column
from sampo.lib.spreadsheets import Cell
from sampo.sales.models import Opportunity


def _field(name: str, value: Callable[[Any], Cell] | None = None) -> Column:
    """A column named like the model field, so the file uses the form's words."""
    field = Opportunity._meta.get_field(name)
    if not isinstance(field, Field):
        raise TypeError(name)
    return Column(field.verbose_name, value or (lambda record: getattr(record, name)))


def _text(value: object) -> str:
    return "" if value is None else str(value)


OPPORTUNITY_COLUMNS = (
    _field("title"),
    _field("kind", lambda o: _text(o.get_kind_display())),
    _field("status", lambda o: _text(o.get_status_display())),
    _field("pipeline", lambda o: _text(o.pipeline)),
    _field("stage", lambda o: _text(o.stage)),
    Column(_("Customer"), lambda o: o.customer_label),
    _field("organization", lambda o: _text(o.organization)),
    _field("person", lambda o: _text(o.person)),
    _field("contact_name"),
    _field("company_name"),
    _field("email"),
    _field("phone"),
    _field("expected_revenue"),
    _field("currency"),
    _field("probability"),
    Column(_("Weighted revenue"), lambda o: o.weighted_revenue),
    _field("expected_close_date"),
    _field("priority"),
    _field("source", lambda o: _text(o.source)),
    _field("owner", lambda o: o.owner.name),
    _field("team", lambda o: _text(o.team)),
    _field("tags", lambda o: ", ".join(str(tag) for tag in o.tags.all())),
    Column(_("Next activity"), lambda o: o.next_activity_day),
    _field("lost_reason", lambda o: _text(o.lost_reason)),
    _field("lost_note"),
    _field("postponed_until"),
    _field("closed_on"),
    Column(pgettext_lazy("column: when a record was created", "Created"), lambda o: o.created_at),
)


def headers(columns: Iterable[Column]) -> list[str]:
    return [capfirst(str(column.label)) for column in columns]


def table(columns: Iterable[Column], rows: QuerySet) -> Iterator[list[Cell]]:
    columns = tuple(columns)
    for record in rows.iterator(chunk_size=CHUNK_SIZE):
        yield [column.value(record) for column in columns]
