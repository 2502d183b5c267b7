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


def trigrams(word: str) -> set[str]:
    """A word's trigrams, padded as PostgreSQL's pg_trgm pads them."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def word_similarity(query: str, text: str) -> float:
    """0 to 1: how well each word of `query` matches its closest word in `text`, by shared
    trigrams, averaged; 'virtnen' is 0.55 like 'virtanen'. Both are expected folded."""
    words = [trigrams(word) for word in text.split()]
    scores = []
    for word in query.split():
        wanted = trigrams(word)
        scores.append(max((len(wanted & w) / len(wanted | w) for w in words), default=0.0))
    return sum(scores) / len(scores) if scores else 0.0
