"""Record types a higher app imports through the register's import wizard and `sampo import`.

The register imports its own organizations and people; a domain above it (sales'
opportunities) registers a type here, from its own registrations, with what the framework
cannot know: the fields a column can go into and the header words that name them, the keys
that find an existing record, and the code that writes a chunk of rows and undoes it. The
framework keeps the rest: reading the file, guessing and checking the mapping, the preview,
the batch run in chunks with its progress and counts, the rows not imported, undo's rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sampo.accounts.models import User
    from sampo.contacts.imports.fields import Target
    from sampo.contacts.imports.models import ImportBatch, ImportRow

    Chunk = list[tuple[int, list[str]]]
    ChunkWriter = Callable[[Chunk], list[ImportRow]]


@dataclass(frozen=True)
class UndoCounts:
    trashed: int = 0
    restored: int = 0
    kept_fields: int = 0


@dataclass(frozen=True)
class ImportType:
    key: str  # in URLs, on the command line and in ImportBatch.kind: "opportunities"
    label: Any  # plural, translated: "Opportunities"
    targets: list[Target]
    # target key -> header words that name it ("title, deal name, otsikko, ..."), comma separated
    aliases: dict[str, str]
    # Keys that find an existing record, in the order they are tried, and their labels.
    match_keys: tuple[str, ...]
    default_match: tuple[str, ...]
    match_labels: dict[str, Any]
    # Raises ValidationError when the chosen targets lack what a record needs.
    check_mapping: Callable[[set[str]], None]
    # Raises PermissionDenied when the user may not add records of this type.
    require_create: Callable[[User], None]
    # A writer for one batch: each call writes a chunk of (row number, cells) in the caller's
    # transaction and returns every row's saved ImportRow.
    writer: Callable[[ImportBatch, User], ChunkWriter]
    # Reverses a batch (the caller holds its lock and marks it undone; source ids and unused
    # new tags are removed by the framework).
    undo: Callable[[ImportBatch, User], UndoCounts]
    order: int = 100


_TYPES: dict[str, ImportType] = {}


def register(import_type: ImportType) -> None:
    _TYPES[import_type.key] = import_type


def get(kind: str) -> ImportType | None:
    return _TYPES.get(kind)


def registered() -> list[ImportType]:
    return sorted(_TYPES.values(), key=lambda t: (t.order, t.key))
