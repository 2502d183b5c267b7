"""Indexes for the list filters on custom fields.

Values live in each record's `custom` JSON column, which no index serves: a filter on a
custom field read every row of the table. So each active field whose filter can use a B-tree
gets an expression index on its value, on both databases:

- choice and date: the value as text (`cf_x=gold`, `cf_x_from=2026-01-01`);
- number: the value as a number; money: its amount as a number (`cf_x_min`, `cf_x_max`).

Text (contains), several choices (a key inside a list) and yes/no (two values) are not indexed:
a B-tree does not serve "contains", and a yes/no index would rarely be chosen.

The index is created when an admin adds the field (or restores an archived one) and dropped
when the field is archived; `sync()` (run by a migration and by `sampo custom_field_indexes`)
makes the database match the definitions. The filters (`filters.py`) compare exactly the
expression indexed here, with the field's code written into the SQL: the code is a slug of
[a-z0-9_] (services._code), and a bound parameter in the expression would keep SQLite from
matching the index.

Each index is partial (only the records that have a value). Why expression indexes rather
than a table of values: the values keep one home (the record's
JSON, which history, merge, undo, import and export already read and write), and a field
costs one index only if it exists and is active. Indexes are named after the field's id
(`cf_<id>_value_idx`), so a renamed label changes nothing.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.db import DatabaseError, connection, models, transaction
from django.db.models import DecimalField, Func, Q, TextField
from django.db.models.lookups import IsNull

from sampo.core.models import CustomField

log = logging.getLogger(__name__)

Kind = CustomField.Kind
TEXT_KINDS = {Kind.CHOICE, Kind.DATE}
NUMBER_KINDS = {Kind.NUMBER, Kind.MONEY}
INDEXED_KINDS = TEXT_KINDS | NUMBER_KINDS
_SAFE_KEY = re.compile(r"^[a-z0-9_]+$")


class JSONText(Func):
    """`custom[code]` (or `custom[code][part]`) as text, the keys written into the SQL."""

    output_field: Any = TextField()
    sqlite_type = ""  # the SQLite / PostgreSQL type cast to, if any
    postgresql_type = ""

    def __init__(self, code: str, part: str = "") -> None:
        for key in filter(None, (code, part)):
            if not _SAFE_KEY.match(key):
                raise ValueError(f"not a custom field code: {key!r}")
        self.code, self.part = code, part
        super().__init__(models.F("custom"))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        path = f'$."{self.code}"' + (f'."{self.part}"' if self.part else "")
        template = f"json_extract(%(expressions)s, '{path}')"
        if self.sqlite_type:
            template = f"CAST({template} AS {self.sqlite_type})"
        return self.as_sql(compiler, connection, template=template)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = (
            f"((%(expressions)s -> '{self.code}') ->> '{self.part}')"
            if self.part
            else f"(%(expressions)s ->> '{self.code}')"
        )
        if self.postgresql_type:
            template = f"({template})::{self.postgresql_type}"
        return self.as_sql(compiler, connection, template=template)


class _Decimal(DecimalField):
    """A decimal compared in SQL exactly as written. Django wraps an expression of a
    DecimalField in one more CAST on SQLite where it sits in an index but not where a filter
    compares it, and an index serves only the very same expression."""

    def get_internal_type(self) -> str:
        return "NumericValue"


class JSONNumber(JSONText):
    """The same as a number (values are stored as decimal strings)."""

    output_field = _Decimal(max_digits=30, decimal_places=6)
    sqlite_type = "NUMERIC"
    postgresql_type = "numeric"


def value_expression(field: CustomField) -> Any:
    """What the field's list filter compares, and its index holds (None: not indexed)."""
    if field.kind in TEXT_KINDS:
        return JSONText(field.code)
    if field.kind == Kind.NUMBER:
        return JSONNumber(field.code)
    if field.kind == Kind.MONEY:
        return JSONNumber(field.code, "amount")
    return None


def index_name(field: CustomField) -> str:
    return f"cf_{field.pk}_value_idx"


def _model(field: CustomField) -> type[models.Model] | None:
    from sampo.core.custom_fields import record_type

    found = record_type(field.record_type)
    return found.model if found is not None else None


def _existing(model: type[models.Model]) -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, model._meta.db_table))


def _wanted(field: CustomField) -> bool:
    return not field.is_archived and field.kind in INDEXED_KINDS


def _index(field: CustomField) -> models.Index:
    # On SQLite, partial: holding only the records with a value. Most records have none, and
    # with the NULLs in its statistics SQLite judged the index useless (a value "matched" a
    # third of the table); a filter's comparison implies the value is not NULL, so SQLite
    # knows the partial index serves it. PostgreSQL counts NULLs apart in its statistics,
    # and gathers none on the expression of a partial index (its range estimates fell back
    # to a third of the table and the index was not used), so there it is a full index.
    value = value_expression(field)
    if connection.vendor != "sqlite":
        return models.Index(value, name=index_name(field))
    return models.Index(value, name=index_name(field), condition=Q(IsNull(value, False)))


def _editor() -> Any:
    # Only to write the statement: entering a schema editor on SQLite switches foreign key
    # checks off, which it cannot do inside a transaction (a test's, or a caller's), and one
    # CREATE or DROP INDEX needs none of what entering does (table rebuilds, deferred SQL).
    editor = connection.schema_editor(atomic=False)
    editor.deferred_sql = []
    return editor


def _execute(statement: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(str(statement))


def index_ensure(field: CustomField, *, schema_editor: Any = None) -> None:
    """Create the field's index if it should exist and does not."""
    model = _model(field)
    if model is None or not _wanted(field) or index_name(field) in _existing(model):
        return
    index = _index(field)
    if schema_editor is not None:
        schema_editor.add_index(model, index)
        return
    # After the admin's transaction and, on PostgreSQL, without locking the table's writes
    # while a large table is read.
    editor = _editor()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        _execute(index.create_sql(model, editor, concurrently=True))
    else:
        _execute(index.create_sql(model, editor))


def index_drop(field: CustomField, *, schema_editor: Any = None) -> None:
    model = _model(field)
    if model is None or index_name(field) not in _existing(model):
        return
    index = models.Index(value_expression(field) or models.F("custom"), name=index_name(field))
    if schema_editor is not None:
        schema_editor.remove_index(model, index)
        return
    _execute(index.remove_sql(model, _editor()))


def index_refresh_on_commit(field: CustomField) -> None:
    """After the admin's change commits: the index follows the field. A failure is logged and
    changes nothing else: the filter works without its index, only slower."""

    def refresh() -> None:
        try:
            (index_ensure if _wanted(field) else index_drop)(field)
        except DatabaseError:
            log.exception("custom field %s: index not updated", field.pk)

    transaction.on_commit(refresh)


def sync(*, schema_editor: Any = None, app_label: str = "") -> None:
    """Every active indexable field has its index, and no other field has one (of the record
    types of `app_label` only, if given: a migration of that app knows its tables exist)."""
    for field in CustomField.objects.all():
        model = _model(field)
        if model is None or (app_label and model._meta.app_label != app_label):
            continue
        if _wanted(field):
            index_ensure(field, schema_editor=schema_editor)
        else:
            index_drop(field, schema_editor=schema_editor)
