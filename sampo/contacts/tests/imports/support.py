from __future__ import annotations

from typing import Any

from sampo.accounts.models import User
from sampo.contacts.imports import services
from sampo.contacts.imports.models import ImportBatch


def csv_bytes(rows: list[list[str]], *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    def cell(value: str) -> str:
        needs_quotes = any(c in value for c in (delimiter, '"', "\n"))
        return '"' + value.replace('"', '""') + '"' if needs_quotes else value

    return "\r\n".join(delimiter.join(cell(v) for v in row) for row in rows).encode(encoding)


def run_import(
    actor: User,
    kind: str,
    rows: list[list[str]],
    *,
    match: list[str] | None = None,
    on_match: str = "update",
    source: str = "old-crm",
    **kwargs: Any,
) -> ImportBatch:
    options = services.ImportOptions(
        match if match is not None else services.default_match(kind), on_match, source
    )
    return services.import_from_file(
        actor=actor,
        kind=kind,
        file_name=f"{kind}.csv",
        content=csv_bytes(rows),
        options=options,
        **kwargs,
    )


def outcomes(batch: ImportBatch) -> list[tuple[int, str]]:
    return list(batch.rows.order_by("row_number").values_list("row_number", "outcome"))
