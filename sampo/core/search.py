"""Global search: one box in the header. Each domain registers a provider for its record
types; a provider applies its own visibility rules and returns a few best matches.

`ranked` is the name search providers share: exact name first, then names that start with
what was typed, then names that contain it (at a word's start before within a word), then
names like it (typos). Names are compared folded (`lib.text.fold`: lowercase, no accents), so
'porssi' finds 'Pörssi'. The typo pass is bounded on both databases:

- PostgreSQL: pg_trgm's word similarity (`query <% name_folded`), served by a trigram GIN
  index (contacts migration 0006 creates the extension and the indexes).
- SQLite: the names sharing a word's first three letters with a word of the query (at most
  FUZZY_CANDIDATES of them) are scored in Python with the same trigram measure. A typo in
  the first three letters is not forgiven there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction
from django.db.models import BooleanField, Case, F, FloatField, Func, Q, QuerySet, Value, When
from django.utils.functional import Promise

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
# SQLite: names scored in Python per query, at most.
FUZZY_CANDIDATES = 300
FUZZY_MIN_LENGTH = 3


class _WordSimilar(Func):
    """`query <% name`: pg_trgm's word-similarity operator, which the trigram index serves."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _WordSimilarity(Func):
    function = "WORD_SIMILARITY"
    output_field = FloatField()


def ranked(
    rows: QuerySet[Any],
    *,
    query: str,
    limit: int,
    field: str = "name_folded",
    keys: Q | None = None,
) -> list[Any]:
    """The best `limit` rows of `rows` for `query`, best first. `field` holds the folded
    name; `keys` finds rows by an exact key (email, phone, ID), which rank with exact names."""
    folded = fold(query)
    words = folded.split()
    if not words:
        return []
    contains = Q()
    for word in words:
        contains &= Q(**{f"{field}__contains": word})
    whens = [When(keys, then=Value(EXACT))] if keys is not None else []
    whens += [
        When(Q(**{field: folded}), then=Value(EXACT)),
        When(Q(**{f"{field}__startswith": folded}), then=Value(PREFIX)),
        When(Q(**{f"{field}__contains": f" {folded}"}), then=Value(WORD_START)),
    ]
    condition = contains | keys if keys is not None else contains
    found = list(
        rows.filter(condition)
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
    if connections[rows.db].vendor == "postgresql":
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


def _similar_sqlite(rows: QuerySet[Any], folded: str, limit: int, field: str) -> list[Any]:
    starts = Q()
    for word in folded.split():
        if len(word) >= FUZZY_MIN_LENGTH:
            stem = word[:FUZZY_MIN_LENGTH]
            starts |= Q(**{f"{field}__startswith": stem}) | Q(**{f"{field}__contains": f" {stem}"})
    if not starts:
        return []
    candidates = rows.filter(starts).order_by().values_list("pk", field)[:FUZZY_CANDIDATES]
    scored = sorted(
        (
            (-score, name, pk)
            for pk, name in candidates
            if (score := word_similarity(folded, name)) >= FUZZY_THRESHOLD
        )
    )[:limit]
    by_pk = rows.in_bulk([pk for _score, _name, pk in scored])
    best = []
    for score, _name, pk in scored:
        if pk in by_pk:
            row = by_pk[pk]
            row.search_rank, row.similarity = SIMILAR, -score
            best.append(row)
    return best
