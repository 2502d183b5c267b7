"""Typo-tolerant name search on PostgreSQL: the pg_trgm extension and a trigram GIN index on
the folded names. SQLite has no such index; its search (contacts/search.py) works without.

The indexes are created here rather than declared on the models, because they exist on one
database only. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create
it without being a superuser. See contacts/README.md for production.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

# Global search by name, with typos: WHERE %s <% name_folded ORDER BY word_similarity(...),
# and the contains filter of the lists: WHERE name_folded LIKE '%...%'.
INDEXES = {
    "contacts_organization": "org_name_trgm_idx",
    "contacts_person": "person_name_trgm_idx",
}


def create(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, index in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin (name_folded gin_trgm_ops)"
        )


def drop(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for index in INDEXES.values():
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("contacts", "0005_further_emails_and_phones")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
