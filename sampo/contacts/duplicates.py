"""The duplicate guard: records that are likely the one being created, with their owners, so
two sellers do not end up calling the same customer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
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
    """Likely duplicates in the whole register, surest first. Each check is one GROUP BY on
    indexed columns, so a scan of a million people stays a matter of seconds."""
    found: dict[tuple[int, int], list[str]] = {}
    checks = [(reason, _groups(model, key)) for reason, key in _keys(model)]
    checks += [(kind, _detail_groups(model, kind)) for kind in ("email", "phone")]
    for reason, groups in checks:
        for ids in groups:
            for i, first in enumerate(ids):
                for second in ids[i + 1 :]:
                    reasons = found.setdefault((first, second), [])
                    if reason not in reasons:
                        reasons.append(reason)
    ranked = sorted(found.items(), key=lambda item: (-_score(item[1]), item[0]))[:limit]
    wanted = {pk for pair, _ in ranked for pk in pair}
    records = model.objects.select_related("owner").in_bulk(wanted)
    return [
        Pair(records[a], records[b], reasons)
        for (a, b), reasons in ranked
        if a in records and b in records
    ]


def _score(reasons: list[str]) -> int:
    return min(100, max(REASON_SCORES[r] for r in reasons) + 5 * (len(reasons) - 1))


def _groups(model: type[Organization] | type[Person], key: Any) -> list[list[int]]:
    keyed = model.objects.annotate(key=key).exclude(key="").exclude(key="|")
    shared = (
        keyed.order_by()
        .values("key")
        .annotate(n=Count("id"))
        .filter(n__gt=1, n__lte=LARGEST_GROUP)
        .values("key")
    )
    groups: dict[str, list[int]] = {}
    for value, pk in keyed.filter(key__in=shared).values_list("key", "id").order_by("key", "id"):
        groups.setdefault(value, []).append(pk)
    return list(groups.values())


# Values compared in one query; SQLite allows a few hundred parameters per query at most.
_BATCH = 500


def _detail_groups(model: type[Organization] | type[Person], kind: str) -> list[list[int]]:
    """Records sharing a value where at least one has it as a further email or phone: the
    further values that also appear on another record (as a column or a further value), then
    every record holding each of them."""
    details = contact_details.detail_model(model).objects.filter(
        **{f"{contact_details.owner_field(model)}__deleted_at__isnull": True}, kind=kind
    )
    owner = f"{contact_details.owner_field(model)}_id"
    repeated = details.values("value").annotate(n=Count(owner, distinct=True)).filter(n__gt=1)
    columns = [c for c, k in contact_details.primary_columns(model).items() if k == kind]
    in_columns = Q(value__in=repeated.values("value"))
    for column in columns:
        in_columns |= Q(value__in=model.objects.exclude(**{column: ""}).values(column))
    values = sorted(set(details.filter(in_columns).values_list("value", flat=True)))
    groups: dict[str, set[int]] = {}
    for start in range(0, len(values), _BATCH):
        batch = values[start : start + _BATCH]
        for value, pk in details.filter(value__in=batch).values_list("value", owner):
            groups.setdefault(value, set()).add(pk)
        for column in columns:
            rows = model.objects.filter(**{f"{column}__in": batch}).values_list(column, "id")
            for value, pk in rows:
                groups.setdefault(value, set()).add(pk)
    return [sorted(ids) for ids in groups.values() if 1 < len(ids) <= LARGEST_GROUP]
