"""The duplicate guard: records that are likely the one being created, with their owners, so
two sellers do not end up calling the same customer."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q

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
