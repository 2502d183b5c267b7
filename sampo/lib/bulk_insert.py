"""Many rows of one model inserted with little work per row: the importer's bulk path.

`QuerySet.bulk_create` compiles every value of every object through the generic SQL compiler
(`pre_save`, `prepare_value`, `field_as_sql`, expression checks): at 2,000 rows a chunk and
four or five tables a row, that alone is most of an import's time. Here the statement is
built once per table, and only the values a database driver cannot take as they are (dates,
times, decimals, JSON) go through the field's `get_db_prep_save`. Like `bulk_create`, no
`save()` and no signals; unlike it, no `ignore_conflicts` (use `bulk_create` for that).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connections, models, router
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone

# Field types whose Python values the drivers of both databases take unchanged.
_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,  # and its big, small and positive kinds
    models.BooleanField,
    models.ForeignKey,  # the attname holds the plain key
)


def _converter(field: Any, connection: Any) -> Callable[[Any], Any] | None:
    if isinstance(field, _PLAIN) and not isinstance(field, models.ForeignKey):
        return None
    if isinstance(field, models.ForeignKey) and isinstance(field.target_field, _PLAIN):
        return None

    last: list[Any] = [object(), None]  # the timestamps of a whole batch are one object

    def convert(value: Any) -> Any:
        if value is not last[0]:
            last[:] = [value, field.get_db_prep_save(value, connection)]
        return last[1]

    return convert


def bulk_insert(objs: Sequence[models.Model], *, returning_pk: bool = False) -> None:
    """Insert `objs` (unsaved instances of one model). With `returning_pk` each gets its new
    primary key, as `bulk_create` gives them; without, they are written with `executemany`."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    alias = router.db_for_write(model)
    connection = connections[alias]
    fields = [f for f in meta.concrete_fields if not isinstance(f, AutoFieldMixin)]
    now = timezone.now()
    stamped = [
        f
        for f in fields
        if isinstance(f, models.DateTimeField | models.DateField)
        and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
    ]
    for obj in objs:
        for field in stamped:
            if field.auto_now or getattr(obj, field.attname) is None:  # type: ignore[attr-defined]
                setattr(obj, field.attname, now)
    converters = [(f.attname, _converter(f, connection)) for f in fields]
    rows = [
        [
            getattr(obj, name) if convert is None else convert(getattr(obj, name))
            for name, convert in converters
        ]
        for obj in objs
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Table and column names come from the model, every value is a parameter.
    insert = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        if not returning_pk:
            cursor.executemany(insert + one, rows)
        else:
            pk = quote(meta.pk.column)
            size = max(1, connection.ops.bulk_batch_size(fields, objs))
            for start in range(0, len(objs), size):
                batch = rows[start : start + size]
                params = [value for row in batch for value in row]
                cursor.execute(f"{insert}{', '.join([one] * len(batch))} RETURNING {pk}", params)
                for obj, (key,) in zip(objs[start : start + size], cursor.fetchall(), strict=True):
                    obj.pk = key
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias
