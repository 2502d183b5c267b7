"""The trigram indexes global search finds names in, one per searched (model, folded column).

A domain declares one from its `registrations.py` with `search_index.register(model, field,
name=...)`; core creates what is missing after every `migrate` (post_migrate), and
`sampo rebuild_search_index` builds them again by hand.

- PostgreSQL: a GIN index `USING gin (<field> gin_trgm_ops)` (pg_trgm). It serves
  `<field> LIKE '%fragment%'` and pg_trgm's word-similarity operator `<%`.
- SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34+) over the same column,
  external content (it stores the index only, the text stays in the model's table), kept in
  step by three triggers on the model's table. Triggers rather than service code, because
  every path writes these rows: services, the import's bulk writes, merges, the trash purge,
  data migrations. Django rebuilds an SQLite table to alter it (and its triggers go with the
  old table), so `ensure` recreates missing triggers and then rebuilds the index from the
  table; it runs after every migrate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connections
from django.db.models import Model


@dataclass(frozen=True)
class TrigramIndex:
    model: type[Model]
    field: str
    name: str  # the PostgreSQL index; SQLite's FTS table is `<name>_fts`

    @property
    def table(self) -> str:
        return str(self.model._meta.db_table)

    @property
    def column(self) -> str:
        return str(self.model._meta.get_field(self.field).column)  # type: ignore[union-attr]

    @property
    def pk(self) -> str:
        return str(self.model._meta.pk.column)  # type: ignore[union-attr]

    @property
    def fts(self) -> str:
        return f"{self.name}_fts"


INDEXES: dict[tuple[type[Model], str], TrigramIndex] = {}


def register(model: type[Model], field: str, *, name: str) -> None:
    INDEXES[(model, field)] = TrigramIndex(model, field, name)


def index_of(model: type[Model], field: str) -> TrigramIndex | None:
    return INDEXES.get((model, field))


def ensure(using: str = "default", *, rebuild: bool = False) -> list[str]:
    """Create the missing indexes (and on SQLite rebuild those that were missing a part).
    Returns the names of the indexes built."""
    connection = connections[using]
    built = []
    tables = set(connection.introspection.table_names())
    for index in INDEXES.values():
        if index.table not in tables:
            continue  # its app's migrations have not run yet
        if connection.vendor == "postgresql":
            made = _ensure_postgresql(connection, index, rebuild=rebuild)
        elif connection.vendor == "sqlite":
            made = _ensure_sqlite(connection, index, rebuild=rebuild)
        else:
            made = False
        if made:
            built.append(index.name)
    return built


def _ensure_postgresql(connection: Any, index: TrigramIndex, *, rebuild: bool) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [index.name])
        exists = cursor.fetchone() is not None
        if exists and not rebuild:
            return False
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        if exists:
            cursor.execute(f'REINDEX INDEX "{index.name}"')
        else:
            cursor.execute(
                f'CREATE INDEX "{index.name}" ON "{index.table}" '
                f'USING gin ("{index.column}" gin_trgm_ops)'
            )
    return True


# The statements below are built from model metadata (table, column and index names), never
# from input; hence the S608 exemptions.


def _triggers(index: TrigramIndex) -> dict[str, str]:
    fts, table, column, pk = index.fts, index.table, index.column, index.pk
    delete = (
        f'INSERT INTO "{fts}"("{fts}", rowid, "{column}") '  # noqa: S608
        f'VALUES (\'delete\', old."{pk}", old."{column}");'
    )
    insert = f'INSERT INTO "{fts}"(rowid, "{column}") VALUES (new."{pk}", new."{column}");'  # noqa: S608
    return {
        f"{fts}_ai": f'AFTER INSERT ON "{table}" BEGIN {insert} END',
        f"{fts}_ad": f'AFTER DELETE ON "{table}" BEGIN {delete} END',
        f"{fts}_au": f'AFTER UPDATE OF "{column}" ON "{table}" BEGIN {delete} {insert} END',
    }


def _ensure_sqlite(connection: Any, index: TrigramIndex, *, rebuild: bool) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master WHERE name LIKE %s", [f"{index.fts}%"])
        present = {name for _kind, name in cursor.fetchall()}
        triggers = _triggers(index)
        missing = [name for name in [index.fts, *triggers] if name not in present]
        if not missing and not rebuild:
            return False
        if index.fts not in present:
            cursor.execute(
                f'CREATE VIRTUAL TABLE "{index.fts}" USING fts5("{index.column}", '
                f"content='{index.table}', content_rowid='{index.pk}', tokenize='trigram')"
            )
        for name, body in triggers.items():
            if name not in present:
                cursor.execute(f'CREATE TRIGGER "{name}" {body}')
        # Built from the table's current rows: whatever happened while a part was missing.
        rebuild_all = f'INSERT INTO "{index.fts}"("{index.fts}") VALUES (\'rebuild\')'  # noqa: S608
        cursor.execute(rebuild_all)
    return True


def out_of_step(using: str = "default") -> list[str]:
    """The indexes whose entries differ from their table's rows (SQLite's FTS5 compares
    them; a PostgreSQL index cannot drift)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    drifted = []
    with connection.cursor() as cursor:
        for index in INDEXES.values():
            check = f"""INSERT INTO "{index.fts}"("{index.fts}", rank)
                VALUES ('integrity-check', 1)"""  # noqa: S608
            try:
                cursor.execute(check)
            except DatabaseError:
                drifted.append(index.name)
    return drifted


def post_migrate(using: str = "default", **_kwargs: Any) -> None:
    ensure(using)
