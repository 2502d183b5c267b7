"""The duplicate guard: records that are likely the one being created, with their owners, so
two sellers do not end up calling the same customer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Concat, Lower

from sampo.contacts import contact_details
from sampo.contacts.models import Organization, Person
from sampo.lib.business_ids import parse_business_id
from sampo.lib.text import fold


@dataclass(frozen=True)
class Match:
    record: Organization | Person
    reason: str  # "business_id", "email", "phone", "name"


def organization_matches(
    *,
    name: str = "",
    business_id: str = "",
    emails: tuple[str, ...] = (),
    phones: tuple[str, ...] = (),
    city: str = "",
    country: str = "",
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[Match]:
    """`emails` (lowercased) and `phones` (E.164): every one the new record has; each matches
    any email or phone of an existing record, its further ones included."""
    checks: list[tuple[str, Q]] = []
    if business_id:
        try:
            key = parse_business_id(business_id, country=country).match_key
            checks.append(("business_id", Q(business_id_key=key)))
        except ValidationError:
            pass
    if emails := tuple(e.strip().lower() for e in emails if e.strip()):
        checks.append(("email", contact_details.with_email(Organization, emails)))
    if phones := tuple(p for p in phones if p):
        checks.append(("phone", contact_details.with_phone(Organization, phones)))
    if name:
        same_name = Q(name_folded=fold(name))
        checks.append(("name", same_name & Q(city__iexact=city.strip()) if city else same_name))
    return _first_matches(Organization, checks, exclude_pk, limit)


def person_matches(
    *,
    first_name: str = "",
    last_name: str = "",
    emails: tuple[str, ...] = (),
    phones: tuple[str, ...] = (),
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[Match]:
    """As `organization_matches`: any email or phone against any of an existing person's."""
    checks: list[tuple[str, Q]] = []
    if emails := tuple(e.strip().lower() for e in emails if e.strip()):
        checks.append(("email", contact_details.with_email(Person, emails)))
    if phones := tuple(p for p in phones if p):
        checks.append(("phone", contact_details.with_phone(Person, phones)))
    if last_name:
        checks.append(("name", Q(name_folded=fold(f"{first_name} {last_name}"))))
    return _first_matches(Person, checks, exclude_pk, limit)


def _first_matches(
    model: type[Organization] | type[Person],
    checks: list[tuple[str, Q]],
    exclude_pk: int | None,
    limit: int,
) -> list[Match]:
    found: dict[int, Match] = {}
    for reason, condition in checks:
        rows = model.objects.filter(condition).select_related("owner")
        if exclude_pk is not None:
            rows = rows.exclude(pk=exclude_pk)
        for row in rows[:limit]:
            found.setdefault(row.pk, Match(row, reason))
    return list(found.values())[:limit]


# --- The duplicate report -------------------------------------------------------------------------

# How sure a shared value makes us; each further shared value adds a little.
REASON_SCORES = {"business_id": 100, "email": 90, "phone": 80, "name_place": 70, "name": 50}
# A value shared by more records than this is a placeholder ("info@", the switchboard), not a
# sign that they are one customer.
LARGEST_GROUP = 20


@dataclass
class Pair:
    first: Organization | Person
    second: Organization | Person
    reasons: list[str]

    @property
    def score(self) -> int:
        return _score(self.reasons)


def _keys(model: type[Organization] | type[Person]) -> list[tuple[str, Any]]:
    """The reason, and the value whose equality makes two records suspects."""
    email = Lower("email")
    if model is Organization:
        return [
            ("business_id", F("business_id_key")),
            ("email", email),
            ("phone", F("phone")),
            ("name_place", Concat("name_folded", Value("|"), Lower("city"))),
        ]
    return [
        ("email", email),
        ("phone", F("phone")),
        ("phone", F("mobile")),
        ("name", F("name_folded")),
    ]


def duplicate_pairs(model: type[Organization] | type[Person], *, limit: int = 200) -> list[Pair]:
    """Likely duplicates in the whole register, surest first.

    One statement: for each blocking key (business ID, email, phone, name and place; further
    emails and phones too) the records sharing a value with 2 to LARGEST_GROUP others, paired
    with each other by a self-join on the key, then grouped by pair with the pair's score, and
    only the best `limit` pairs read back. The work is a GROUP BY over each key (linear in the
    register) plus the pairs of small groups; nothing grows with the square of the register,
    and no pair list is held in Python (a million people made millions of pairs there).
    """
    checks = [(reason, _members_sql(model, key)) for reason, key in _keys(model)]
    checks += [(kind, _detail_members_sql(model, kind)) for kind in ("email", "phone")]
    ctes, pairs, params = [], [], []
    for number, (reason, (sql, check_params)) in enumerate(checks):
        ctes.append(f"c{number} AS ({sql})")
        params += check_params
        bit, score = 1 << REASONS.index(reason), REASON_SCORES[reason]
        pairs.append(
            f'SELECT a."rid" AS first_id, b."rid" AS second_id, {bit} AS bit, {score} AS score '  # noqa: S608 (numbers)
            f'FROM c{number} a JOIN c{number} b ON a."key" = b."key" AND a."rid" < b."rid"'
        )
    # A pair's score as _score gives it: the best reason's, 5 more for each further reason.
    raw = "MAX(score) + 5 * (COUNT(DISTINCT bit) - 1)"
    query = (
        f"WITH {', '.join(ctes)}, pairs AS ({' UNION ALL '.join(pairs)}) "  # noqa: S608 (ours)
        f"SELECT first_id, second_id, SUM(DISTINCT bit) FROM pairs GROUP BY first_id, second_id "
        f"ORDER BY CASE WHEN {raw} > 100 THEN 100 ELSE {raw} END DESC, first_id, second_id "
        f"LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, limit])
        ranked = [
            ((first, second), [r for i, r in enumerate(REASONS) if bits & (1 << i)])
            for first, second, bits in cursor.fetchall()
        ]
    wanted = {pk for pair, _ in ranked for pk in pair}
    records = model.objects.select_related("owner").in_bulk(wanted)
    return [
        Pair(records[a], records[b], reasons)
        for (a, b), reasons in ranked
        if a in records and b in records
    ]


# Every reason, in the order a pair names them; each is one bit of the pair's reasons.
REASONS = list(REASON_SCORES)


def _sql(queryset: Any) -> tuple[str, list[Any]]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _members_sql(model: type[Organization] | type[Person], key: Any) -> tuple[str, list[Any]]:
    """(id, key) of the records whose key some other record shares, in groups of at most
    LARGEST_GROUP (a value shared by more is a placeholder)."""
    keyed = model.objects.annotate(key=key).exclude(key="").exclude(key="|").order_by()
    shared = (
        keyed.values("key").annotate(n=Count("id")).filter(n__gt=1, n__lte=LARGEST_GROUP)
    ).values("key")
    return _sql(keyed.filter(key__in=shared).annotate(rid=F("id")).values_list("rid", "key"))


def _detail_members_sql(
    model: type[Organization] | type[Person], kind: str
) -> tuple[str, list[Any]]:
    """(id, key) of the records sharing a value where at least one has it as a further email
    or phone: the records holding each further value, as a further value or in a column."""
    owner = contact_details.owner_field(model)
    details = contact_details.detail_model(model).objects.order_by()
    held = details.filter(**{f"{owner}__deleted_at__isnull": True}, kind=kind)
    holders = [_sql(held.annotate(rid=F(f"{owner}_id"), key=F("value")).values_list("rid", "key"))]
    columns = [c for c, k in contact_details.primary_columns(model).items() if k == kind]
    for column in columns:
        further = details.filter(kind=kind).values("value")
        rows = model.objects.order_by().exclude(**{column: ""}).filter(**{f"{column}__in": further})
        rows = rows.annotate(rid=F("id"), key=F(column))
        holders.append(_sql(rows.values_list("rid", "key")))
    union = " UNION ".join(
        f"SELECT * FROM ({sql}) h{i}"  # noqa: S608 (Django-compiled, parameters apart)
        for i, (sql, _p) in enumerate(holders)
    )
    params = [p for _sql_text, holder_params in holders for p in holder_params]
    sql = (
        f'SELECT "rid", "key" FROM ({union}) m WHERE "key" IN ('  # noqa: S608 (ours)
        f'SELECT "key" FROM ({union}) g GROUP BY "key" '
        f'HAVING COUNT(DISTINCT "rid") BETWEEN 2 AND {LARGEST_GROUP})'
    )
    return sql, params + params


def _score(reasons: list[str]) -> int:
    return min(100, max(REASON_SCORES[r] for r in reasons) + 5 * (len(reasons) - 1))
