"""Reads of the register shaped for its screens. Lists never count the table: a page asks
for one row more than it shows to know whether there is a next page."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Lower
from django.utils import translation

from sampo.accounts.models import User
from sampo.contacts import access, contact_details
from sampo.contacts.models import (
    Industry,
    KeyFigure,
    Membership,
    Organization,
    Person,
    PersonContactDetail,
)
from sampo.core import custom_fields
from sampo.core import search as global_search
from sampo.core.custom_fields import filters as custom_filters
from sampo.core.custom_fields import values as custom_values
from sampo.core.search import SearchHit
from sampo.lib.business_ids import parse_business_id
from sampo.lib.phones import phone_search_keys
from sampo.lib.text import fold

PAGE_SIZE = 50

ORGANIZATION_SORTS = {
    "name": ("name_folded", "id"),
    "-name": ("-name_folded", "-id"),
    "city": ("city", "name_folded", "id"),
    "-updated": ("-updated_at", "-id"),
}
PERSON_SORTS = {
    "name": ("name_folded", "id"),
    "-name": ("-name_folded", "-id"),
    "-updated": ("-updated_at", "-id"),
}


@dataclass
class Page:
    rows: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _page(rows: QuerySet, number: int, size: int = PAGE_SIZE) -> Page:
    number = max(number, 1)
    fetched = list(rows[(number - 1) * size : number * size + 1])
    return Page(fetched[:size], number, len(fetched) > size)


def _phone_regions() -> tuple[str, ...]:
    return tuple(dict.fromkeys([settings.DEFAULT_PHONE_REGION, "FI", "HU"]))


def _key_filter(
    model: type[Organization] | type[Person], search: str, *, eager: bool = False
) -> Q | None:
    """Records whose email, phone (in any format typed) or business ID is `search`, further
    emails and phones included; None when `search` is none of these. `eager` looks the
    further values up first (one indexed query), so that the condition is a plain OR of
    indexed columns the planner can combine (PostgreSQL cannot with a subquery inside)."""
    condition: Q | None = None
    if "@" in search:
        condition = contact_details.with_email(model, [search.strip().lower()], eager=eager)
    elif phones := phone_search_keys(search, regions=_phone_regions()):
        condition = contact_details.with_phone(model, phones, eager=eager)
    if model is Organization:
        with contextlib.suppress(ValidationError):  # not a business ID: the other keys remain
            by_id = Q(business_id_key=parse_business_id(search).match_key)
            condition = by_id if condition is None else condition | by_id
    return condition


def _text_filter(model: type[Organization] | type[Person], search: str) -> Q:
    # The name's trigram index answers it (core.search_index).
    condition = global_search.contains_condition(
        model, field="name_folded", fragments=[fold(search)]
    )
    keys = _key_filter(model, search)
    return condition if keys is None else condition | keys


def organization_rows(
    *,
    user: User,
    search: str = "",
    owner: int | None = None,
    relationship: int | None = None,
    tag: int | None = None,
    city: str = "",
    industry: int | None = None,
    figures: FigureRanges | None = None,
    custom: list[custom_filters.FieldFilter] | None = None,
    sort: str = "name",
    trashed_too: bool = False,
) -> QuerySet[Organization]:
    """The organizations a list shows with its filters, unpaged: the page and its exports.
    `trashed_too`: also those in the trash (an API client syncing needs to learn of them)."""
    manager = Organization.all_objects if trashed_too else Organization.objects
    rows = manager.filter(access.visible(user, Organization))
    rows = rows.select_related("owner", "industry")
    if search:
        rows = rows.filter(_text_filter(Organization, search))
    if owner:
        rows = rows.filter(owner_id=owner)
    if relationship:
        rows = rows.filter(relationship_types=relationship)
    if tag:
        rows = rows.filter(tags=tag)
    if city:
        # Both sides lowered by the database, as org_city_idx holds LOWER(city): `iexact`
        # compiled to UPPER() or LIKE, which the index does not serve (a scan of the table).
        rows = rows.alias(city_lower=Lower("city")).filter(city_lower=Lower(Value(city.strip())))
    if industry:
        # A section (e.g. F Construction) includes its divisions. The industries are read
        # first, so the organizations' industry index serves it; an OR across the join to
        # the industry table read every organization.
        within = Industry.objects.filter(Q(pk=industry) | Q(parent_id=industry))
        rows = rows.filter(industry_id__in=list(within.values_list("pk", flat=True)))
    if figures is not None and figures.any():
        rows = rows.filter(_figures_in(figures))
    rows = custom_filters.apply(rows, custom)
    rows = rows.prefetch_related("relationship_types", "tags")
    return rows.order_by(*ORGANIZATION_SORTS.get(sort, ORGANIZATION_SORTS["name"]))


@dataclass(frozen=True)
class FigureRanges:
    """Key-figure filters: the figures of `year`, or of each organization's latest year."""

    year: int | None = None
    revenue_min: Decimal | None = None
    revenue_max: Decimal | None = None
    employees_min: int | None = None
    employees_max: int | None = None

    def any(self) -> bool:
        bounds = (self.revenue_min, self.revenue_max, self.employees_min, self.employees_max)
        return any(bound is not None for bound in bounds)


def _figures_in(ranges: FigureRanges) -> Exists:
    figures = KeyFigure.objects.filter(organization=OuterRef("pk"))
    if ranges.year:
        figures = figures.filter(year=ranges.year)
    else:
        latest = KeyFigure.objects.filter(organization=OuterRef("organization")).order_by("-year")
        figures = figures.filter(year=Subquery(latest.values("year")[:1]))
    bounds = {
        "revenue__gte": ranges.revenue_min,
        "revenue__lte": ranges.revenue_max,
        "employees__gte": ranges.employees_min,
        "employees__lte": ranges.employees_max,
    }
    return Exists(figures.filter(**{k: v for k, v in bounds.items() if v is not None}))


def organization_list(*, user: User, page: int = 1, **filters: Any) -> Page:
    """A page of organizations, each with `relationship_list` and `tag_list` (plain lists: a
    many-to-many manager per row and cell cost more than the rest of the page)."""
    rows = organization_rows(user=user, **filters).prefetch_related(None)
    rows = rows.prefetch_related(
        Prefetch("relationship_types", to_attr="relationship_list"),
        Prefetch("tags", to_attr="tag_list"),
    )
    return _page(rows, page)


def person_rows(
    *,
    user: User,
    search: str = "",
    owner: int | None = None,
    tag: int | None = None,
    organization: int | None = None,
    city: str = "",
    custom: list[custom_filters.FieldFilter] | None = None,
    sort: str = "name",
    trashed_too: bool = False,
) -> QuerySet[Person]:
    """The people a list shows with its filters, unpaged, each with `current_memberships`
    (primary first) in organizations that are not in the trash. `organization`: people with
    a current membership in it; `trashed_too` as in `organization_rows`."""
    manager = Person.all_objects if trashed_too else Person.objects
    rows = manager.filter(access.visible(user, Person)).select_related("owner")
    if search:
        rows = rows.filter(_text_filter(Person, search))
    if owner:
        rows = rows.filter(owner_id=owner)
    if tag:
        rows = rows.filter(tags=tag)
    if organization:
        # The people of a company (its 360° page links here for all of them): a current
        # membership, served by membership_org_idx.
        members = Membership.objects.filter(organization_id=organization, end_date__isnull=True)
        rows = rows.filter(pk__in=members.values("person_id"))
    if city:
        rows = rows.filter(city__iexact=city.strip())
    rows = custom_filters.apply(rows, custom)
    rows = rows.prefetch_related("tags", _current_memberships())
    return rows.order_by(*PERSON_SORTS.get(sort, PERSON_SORTS["name"]))


def _current_memberships() -> Prefetch:
    current = Membership.objects.filter(
        end_date__isnull=True, organization__deleted_at__isnull=True
    ).select_related("organization")
    return Prefetch("memberships", queryset=current, to_attr="current_memberships")


def person_list(*, user: User, page: int = 1, **filters: Any) -> Page:
    """A page of people, each with `current_memberships` and `tag_list` (a plain list)."""
    rows = person_rows(user=user, **filters).prefetch_related(None)
    rows = rows.prefetch_related(Prefetch("tags", to_attr="tag_list"), _current_memberships())
    return _page(rows, page)


def industry_choices() -> list[tuple[int, str]]:
    """The industry filter's menu: (pk, "code name") in the reader's language, as
    `str(industry)` reads, without a record per industry (a hundred on every list page)."""
    language = (translation.get_language() or "en")[:2]
    column = f"name_{language}" if language in ("fi", "hu") else "name_en"
    rows = Industry.objects.order_by("code").values_list("id", "code", column, "name_en")
    return [(pk, f"{code} {name or name_en}") for pk, code, name, name_en in rows]


# The 360° page shows the first people of a company (primary contacts first) and links to
# the people list for the rest: the biggest customers have hundreds, and drawing them all
# cost more than the rest of the page.
PEOPLE_SHOWN = 30
FORMER_PEOPLE_SHOWN = 10


def _bounded(key: str, rows: QuerySet[Membership], shown: int) -> dict[str, Any]:
    """`key` (the first `shown` rows), `key_count` (all of them, counted only when there are
    more than shown: a count bounded by one organization's memberships) and `key_hidden`
    (how many are not shown, when positive)."""
    fetched = list(rows[: shown + 1])
    count = rows.count() if len(fetched) > shown else len(fetched)
    return {key: fetched[:shown], f"{key}_count": count, f"{key}_hidden": count - shown}


def organization_overview(user: User, organization: Organization) -> dict[str, Any]:
    """Everything the 360° page shows besides what other domains plug in; its people are
    those the user may read."""
    memberships = organization.memberships.filter(person__deleted_at__isnull=True)
    if not access.reads_all(user, Person):
        readable = Person.objects.filter(access.visible(user, Person)).values("pk")
        memberships = memberships.filter(person__in=readable)
    memberships = memberships.select_related("person").order_by(
        "end_date", "-is_primary", "person__name_folded"
    )
    current = memberships.filter(end_date__isnull=True)
    # Those who left most recently first, as only the first few are shown.
    former = memberships.filter(end_date__isnull=False).order_by(
        "-end_date", "person__name_folded", "pk"
    )
    return {
        **_bounded("current_people", current, PEOPLE_SHOWN),
        **_bounded("former_people", former, FORMER_PEOPLE_SHOWN),
        "subsidiaries": organization.subsidiaries.all().order_by("name_folded"),
        "key_figures": KeyFigure.objects.filter(organization=organization).order_by("-year")[:5],
        "relationship_types": organization.relationship_types.all(),
        "tags": organization.tags.all(),
        "contact_details": organization.contact_details.all(),
        "custom_values": custom_values.shown(
            organization, custom_fields.definitions("organization")
        ),
    }


def person_overview(person: Person) -> dict[str, Any]:
    memberships = (
        person.memberships.filter(organization__deleted_at__isnull=True)
        .select_related("organization")
        .order_by("end_date", "-is_primary")
    )
    return {
        "memberships": memberships,
        "tags": person.tags.all(),
        "contact_details": person.contact_details.all(),
        "custom_values": custom_values.shown(person, custom_fields.definitions("person")),
    }


def organization_search_hits(user: User, query: str, limit: int) -> list[SearchHit]:
    """The header search: names ranked exact, prefix, contains, then typos (core.search).
    Only what a hit shows is read: no list relations."""
    rows = Organization.objects.filter(access.visible(user, Organization)).only(
        "id", "name", "name_folded", "city", "business_id"
    )
    found = global_search.ranked(
        rows, query=query, limit=limit, keys=_key_filter(Organization, query, eager=True)
    )
    return [
        SearchHit(o.name, " · ".join(filter(None, [o.city, o.business_id])), o.get_absolute_url())
        for o in found
    ]


def person_search_hits(user: User, query: str, limit: int) -> list[SearchHit]:
    rows = Person.objects.filter(access.visible(user, Person)).only(
        "id", "first_name", "last_name", "name_folded", "job_title", "country", "preferred_language"
    )
    found = global_search.ranked(
        rows, query=query, limit=limit, keys=_key_filter(Person, query, eager=True)
    )
    # The subtitle's organizations: one query for the hits of every pass.
    current = Membership.objects.filter(
        end_date__isnull=True, organization__deleted_at__isnull=True
    ).select_related("organization")
    prefetch_related_objects(
        found, Prefetch("memberships", queryset=current, to_attr="current_memberships")
    )
    return [
        SearchHit(
            p.full_name,
            " · ".join(
                filter(None, [p.job_title, *(m.organization.name for m in p.current_memberships)])
            ),
            p.get_absolute_url(),
        )
        for p in found
    ]


def owned_organizations(user: User) -> QuerySet[Organization]:
    """What an off-boarding hands over: the organizations the user owns, by name."""
    return Organization.objects.filter(owner=user).order_by("name", "pk")


def owned_people(user: User) -> QuerySet[Person]:
    """The people the user owns, each with `customer`: the organization of their primary (or
    else any) current membership, so a handover keeps them with their organization."""
    current = Membership.objects.filter(person=OuterRef("pk"), end_date__isnull=True).order_by(
        "-is_primary", "pk"
    )
    return (
        Person.objects.filter(owner=user)
        .annotate(customer=Subquery(current.values("organization_id")[:1]))
        .order_by("last_name", "first_name", "pk")
    )


def people_by_email(addresses: list[str]) -> dict[str, list[Person]]:
    """People by each of `addresses` (lowercased) that is their primary or a further email,
    oldest first: how inbound mail finds its senders and recipients."""
    wanted = {address.lower() for address in addresses if address}
    if not wanted:
        return {}
    further = PersonContactDetail.objects.filter(kind=contact_details.EMAIL, value__in=wanted)
    people = (
        Person.objects.filter(contact_details.with_email(Person, wanted))
        .select_related("owner", "owner__role")
        .prefetch_related(Prefetch("contact_details", queryset=further, to_attr="matched_emails"))
        .order_by("id")
    )
    found: dict[str, list[Person]] = {}
    for person in people:
        own = {person.email.lower(), *(d.value for d in person.matched_emails)}  # type: ignore[attr-defined]
        for address in sorted(own & wanted):
            found.setdefault(address, []).append(person)
    return found
