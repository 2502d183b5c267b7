"""Global search: one box in the header. Each domain registers a provider for its record
types; a provider applies its own visibility rules and returns a few best matches.

`ranked` is the name search providers share: exact name first, then names that start with
what was typed, then names that contain it (at a word's start before within a word), then
names like it (typos). Names are compared folded (`lib.text.fold`: lowercase, no accents), so
'porssi' finds 'Pörssi'. Every pass is one query the database answers from an index
(`search_index`: a trigram index of the folded column), with the user's visibility in the
same query; only a bounded set of typo candidates is scored in Python:

- exact names and keys (email, phone, business ID): B-tree indexes;
- contains (prefix, word start, inside a word): on PostgreSQL the GIN trigram index serves
  `LIKE '%...%'`; on SQLite the FTS5 trigram table gives the rows holding the fragment;
- typos, PostgreSQL: pg_trgm's word similarity (`query <% name_folded`), the same GIN index;
- typos, SQLite: the rows sharing enough of the query's trigrams that one typo (anywhere, the
  first letters too) leaves them a candidate (FTS5), the FUZZY_CANDIDATES sharing the most
  trigrams (counted in SQL) scored in Python with pg_trgm's measure (`lib.text`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    FloatField,
    Func,
    Model,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.utils.functional import Promise

from sampo.core import search_index
from sampo.lib.text import fold, word_similarity


@dataclass(frozen=True)
class SearchHit:
    title: str
    subtitle: str
    url: str


@dataclass(frozen=True)
class SearchProvider:
    key: str
    label: str | Promise
    order: int
    search: Callable[[Any, str, int], list[SearchHit]]  # (user, query, limit)


PROVIDERS: dict[str, SearchProvider] = {}

MIN_QUERY_LENGTH = 2


def register(
    *,
    key: str,
    label: str | Promise,
    search: Callable[[Any, str, int], list[SearchHit]],
    order: int = 100,
) -> None:
    PROVIDERS[key] = SearchProvider(key, label, order, search)


def search_all(*, user: Any, query: str, limit: int = 5) -> list[dict[str, Any]]:
    """Hits grouped by record type, in menu order; types without hits are left out."""
    query = query.strip()
    if len(query) < MIN_QUERY_LENGTH:
        return []
    groups = []
    for provider in sorted(PROVIDERS.values(), key=lambda p: p.order):
        hits = provider.search(user, query, limit)
        if hits:
            groups.append({"key": provider.key, "label": provider.label, "hits": hits})
    return groups


# --- Ranked name search shared by the providers ----------------------------------------------

EXACT, PREFIX, WORD_START, CONTAINS, SIMILAR = range(5)
# How alike a name must be to count as a typo of the query (trigram word similarity, 0 to 1).
FUZZY_THRESHOLD = 0.4
# SQLite: names scored in Python per query, at most (those sharing most trigrams, from SQL).
FUZZY_CANDIDATES = 60
FUZZY_MIN_LENGTH = 3
# SQLite: a query word's first trigrams that pick typo candidates. One typo spoils at most
# three trigrams, so a name sharing all but three of them (at least one, at most three
# needed) stays a candidate.
FUZZY_TRIGRAMS = 6
FUZZY_SHORT_WORD = 4


class _WordSimilar(Func):
    """`query <% name`: pg_trgm's word-similarity operator, which the trigram index serves."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _WordSimilarity(Func):
    function = "WORD_SIMILARITY"
    output_field = FloatField()


def _vendor(rows: QuerySet[Any]) -> str:
    return str(connections[rows.db].vendor)


def _fts_phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _fts_match(model: type[Model], field: str, match: str) -> Q | None:
    """The rows the SQLite trigram table of (model, field) matches; None when the model has
    no such index."""
    index = search_index.index_of(model, field)
    if index is None:
        return None
    # The table's name comes from the model's metadata; the query text is a parameter.
    sql = f'SELECT rowid FROM "{index.fts}" WHERE "{index.fts}" MATCH %s'  # noqa: S608
    return Q(pk__in=RawSQL(sql, [match]))  # noqa: S611


def contains_condition(
    model: type[Model], *, field: str, fragments: list[str], using: str = "default"
) -> Q:
    """The rows whose folded `field` contains each of the (folded) `fragments`, as a
    condition the trigram index of the column answers (see the module's docstring)."""
    condition = Q()
    for fragment in fragments:
        condition &= Q(**{f"{field}__contains": fragment})
    # Fragments of three letters or more can be looked up in the trigram table; shorter ones
    # are only checked by the LIKE above.
    indexed = [fragment for fragment in fragments if len(fragment) >= 3]
    if indexed and connections[using].vendor == "sqlite":
        matched = _fts_match(model, field, " AND ".join(_fts_phrase(text) for text in indexed))
        if matched is not None:
            condition &= matched
    return condition


def containing(rows: QuerySet[Any], *, field: str, fragments: list[str]) -> QuerySet[Any]:
    """`rows` whose folded `field` contains each of the (folded) `fragments`."""
    return rows.filter(
        contains_condition(rows.model, field=field, fragments=fragments, using=rows.db)
    )


def ranked(
    rows: QuerySet[Any],
    *,
    query: str,
    limit: int,
    field: str = "name_folded",
    keys: Q | None = None,
) -> list[Any]:
    """The best `limit` rows of `rows` for `query`, best first. `field` holds the folded
    name; `keys` finds rows by an exact key (email, phone, ID), which rank with exact names.
    One query, and one or two more for typos when that leaves room."""
    folded = fold(query)
    words = folded.split()
    if not words:
        return []
    exact = Q(**{field: folded})
    if keys is not None:
        exact |= keys
    whens = [
        When(exact, then=Value(EXACT)),
        When(Q(**{f"{field}__startswith": folded}), then=Value(PREFIX)),
        When(Q(**{f"{field}__contains": f" {folded}"}), then=Value(WORD_START)),
    ]
    found = list(
        rows.filter(
            exact | contains_condition(rows.model, field=field, fragments=words, using=rows.db)
        )
        .annotate(search_rank=Case(*whens, default=Value(CONTAINS)))
        .order_by("search_rank", field, "pk")[:limit]
    )
    if len(found) < limit and _worth_a_typo_pass(folded):
        others = rows.exclude(pk__in=[row.pk for row in found])
        found += _similar(others, folded, limit - len(found), field)
    return found


def _worth_a_typo_pass(folded: str) -> bool:
    # Numbers and addresses are matched exactly (phones are normalized first).
    letters = sum(ch.isalpha() for ch in folded)
    return letters >= FUZZY_MIN_LENGTH and "@" not in folded


def _similar(rows: QuerySet[Any], folded: str, limit: int, field: str) -> list[Any]:
    if _vendor(rows) == "postgresql":
        return _similar_postgresql(rows, folded, limit, field)
    return _similar_sqlite(rows, folded, limit, field)


def _similar_postgresql(rows: QuerySet[Any], folded: str, limit: int, field: str) -> list[Any]:
    query = Value(folded)
    with transaction.atomic(using=rows.db), connections[rows.db].cursor() as cursor:
        # The operator compares against this setting; local to the transaction.
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(FUZZY_THRESHOLD)],
        )
        return list(
            rows.filter(_WordSimilar(query, F(field)))
            .annotate(search_rank=Value(SIMILAR), similarity=_WordSimilarity(query, F(field)))
            .order_by("-similarity", field, "pk")[:limit]
        )


def _inner_trigrams(word: str) -> list[str]:
    return list(dict.fromkeys(word[i : i + 3] for i in range(len(word) - 2)))


def _typo_match(words: list[str]) -> str:
    """An FTS5 query for the names that could hold one of `words` with a typo: for a word,
    enough of its first trigrams in any combination (see FUZZY_TRIGRAMS). Words up to
    FUZZY_SHORT_WORD letters are left out when there are longer ones (a short word such as
    'oy' or 'kft' would make half the register a candidate); they still count in the score."""
    clauses = []
    for word in words:
        grams = _inner_trigrams(word)[:FUZZY_TRIGRAMS]
        need = 1 if len(grams) <= 2 else 2 if len(grams) <= 5 else 3
        combinations = itertools.combinations(grams, need)
        either = " OR ".join(
            "(" + " AND ".join(_fts_phrase(gram) for gram in combination) + ")"
            for combination in combinations
        )
        clauses.append(f"({either})")
    long_words = [
        clause for word, clause in zip(words, clauses, strict=True) if len(word) > FUZZY_SHORT_WORD
    ]
    return " OR ".join(long_words or clauses)


def _similar_sqlite(rows: QuerySet[Any], folded: str, limit: int, field: str) -> list[Any]:
    words = [word for word in folded.split() if len(word) >= FUZZY_MIN_LENGTH]
    candidates = _fts_match(rows.model, field, _typo_match(words)) if words else None
    if candidates is None:
        return []
    grams = list(dict.fromkeys(gram for word in words for gram in _inner_trigrams(word)))
    shared = sum(
        (Case(When(Q(**{f"{field}__contains": gram}), then=Value(1)), default=Value(0)))
        for gram in grams
    )
    best = rows.filter(candidates).annotate(shared=shared).order_by("-shared", field, "pk")
    scored = []
    for row in best[:FUZZY_CANDIDATES]:
        row.similarity = word_similarity(folded, getattr(row, field))
        if row.similarity >= FUZZY_THRESHOLD:
            row.search_rank = SIMILAR
            scored.append(row)
    scored.sort(key=lambda row: (-row.similarity, getattr(row, field), row.pk))
    return scored[:limit]
