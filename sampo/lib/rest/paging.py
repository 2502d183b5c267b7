"""Cursor pages for API lists: keyset pagination on the list's sort fields plus the id, so the
thousandth page costs what the first does and nothing is counted. Sorts come from an
allow-list; the cursor is signed, so what reaches the query is only what this module wrote.

With `updated_since` (incremental sync) the list is sorted by (updated_at, id) and the answer
carries `sync_from`: the time to ask from next. It lies a margin before the first page was
read, because a write's `updated_at` is taken before its transaction commits: a row committed
late with an earlier time is then read again next time rather than missed."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db.models import F, Model, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from sampo.lib.rest.problems import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_SALT = "sampo.api.cursor"


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    next_cursor: str | None
    sync_from: datetime.datetime | None


def _bad(detail: str) -> ApiError:
    return ApiError(400, _("Bad list parameters"), detail, kind="bad-request")


def sort_fields(sort: str, allowed: Mapping[str, str], default: str) -> list[tuple[str, bool]]:
    """`sort` as the client wrote it ("-updated_at,name") → [(model field, descending)], each
    key from `allowed` (API name → model field), ending with the id as the tie-breaker."""
    fields: list[tuple[str, bool]] = []
    for part in (sort or default).split(","):
        name = part.strip()
        descending = name.startswith("-")
        key = name.removeprefix("-")
        if key not in allowed:
            choices = ", ".join(sorted(allowed))
            raise _bad(
                _("Sort by one of: %(choices)s (prefix - for descending).") % {"choices": choices}
            )
        fields.append((allowed[key], descending))
    if not any(field == "id" for field, _descending in fields):
        fields.append(("id", fields[-1][1] if fields else False))
    return fields


def _after(model: type[Model], fields: Sequence[tuple[str, bool]], values: Sequence[Any]) -> Q:
    """Rows after the one with `values`, in the order of `fields`; NULLs sort last. A column
    that cannot be NULL gets no IS NULL branch, so its index can serve the range."""
    (field, descending), value = fields[0], values[0]
    nullable = _field(model, field).null
    if value is None:
        beyond, same = Q(pk__in=[]), Q(**{f"{field}__isnull": True})
    else:
        beyond = Q(**{f"{field}__{'lt' if descending else 'gt'}": value})
        if nullable:
            beyond |= Q(**{f"{field}__isnull": True})
        same = Q(**{field: value})
    if len(fields) == 1:
        return beyond
    return beyond | (same & _after(model, fields[1:], values[1:]))


def _ordering(model: type[Model], fields: Sequence[tuple[str, bool]]) -> list[Any]:
    # NULLS LAST only where a NULL can be: the plain order lets an index serve the sort.
    order = []
    for field, descending in fields:
        nulls = {"nulls_last": True} if _field(model, field).null else {}
        order.append(F(field).desc(**nulls) if descending else F(field).asc(**nulls))
    return order


def _field(model: type[Model], name: str) -> Any:
    return model._meta.get_field(name)


def _encode(model: type[Model], fields: Sequence[tuple[str, bool]], row: Any, sync: Any) -> str:
    values = [
        _field(model, field).value_to_string(row) if getattr(row, field) is not None else None
        for field, _d in fields
    ]
    return signing.dumps({"v": values, "s": sync}, salt=_SALT, compress=True)


def _decode(
    model: type[Model], fields: Sequence[tuple[str, bool]], cursor: str
) -> tuple[list[Any], Any]:
    try:
        data = signing.loads(cursor, salt=_SALT)
        values = [
            None if raw is None else _field(model, field).to_python(raw)
            for (field, _d), raw in zip(fields, data["v"], strict=True)
        ]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise _bad(_("The cursor is not one this list gave, or the sort changed.")) from error
    return values, data.get("s")


def paginate(
    queryset: QuerySet[Any],
    *,
    fields: Sequence[tuple[str, bool]],
    cursor: str | None,
    limit: int,
    syncing: bool = False,
) -> Page:
    if not 1 <= limit <= MAX_LIMIT:
        raise _bad(_("limit must be between 1 and %(max)s.") % {"max": MAX_LIMIT})
    model = queryset.model
    sync = None
    if cursor:
        values, sync = _decode(model, fields, cursor)
        queryset = queryset.filter(_after(model, fields, values))
    elif syncing:
        margin = datetime.timedelta(seconds=settings.SAMPO_API_SYNC_MARGIN_SECONDS)
        sync = (timezone.now() - margin).isoformat()
    rows = list(queryset.order_by(*_ordering(model, fields))[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _encode(model, fields, rows[-1], sync) if more else None
    sync_from = parse_datetime(sync) if sync and not more else None
    return Page(rows=rows, next_cursor=next_cursor, sync_from=sync_from)
