"""The duplicate guard: records that are likely the one being created, with their owners, so
two sellers do not end up calling the same customer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Concat, Lower

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
    email: str = "",
    phone: str = "",
    city: str = "",
    country: str = "",
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[Match]:
    checks: list[tuple[str, Q]] = []
    if business_id:
        try:
            key = parse_business_id(business_id, country=country).match_key
            checks.append(("business_id", Q(business_id_key=key)))
        except ValidationError:
            pass
    if email:
        checks.append(("email", Q(email__iexact=email.strip())))
    if phone:
        checks.append(("phone", Q(phone=phone)))
    if name:
        same_name = Q(name_folded=fold(name))
        checks.append(("name", same_name & Q(city__iexact=city.strip()) if city else same_name))
    return _first_matches(Organization, checks, exclude_pk, limit)


def person_matches(
    *,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phones: tuple[str, ...] = (),
    exclude_pk: int | None = None,
    limit: int = 5,
) -> list[Match]:
    checks: list[tuple[str, Q]] = []
    if email:
        checks.append(("email", Q(email__iexact=email.strip())))
    checks += [("phone", Q(phone=phone) | Q(mobile=phone)) for phone in phones if phone]
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
    for reason, key in _keys(model):
        for ids in _groups(model, key):
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
