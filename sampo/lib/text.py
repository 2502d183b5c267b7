"""Text folded for matching and search: lowercase, accents removed, spaces collapsed, so that
'Pörssi' is found by 'porssi' and 'Szűcs' by 'szucs'."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()
