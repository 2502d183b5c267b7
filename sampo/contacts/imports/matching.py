"""Finding the existing records a chunk of rows may be: by the keys the user chose to match on
(source id, business ID, email, name) and by the register's duplicate guard (business ID,
email, phone, name and place), with a few queries per chunk rather than a few per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower

from sampo.contacts import contact_details
from sampo.contacts.imports import registry
from sampo.contacts.imports.models import ExternalId, ImportKind
from sampo.contacts.models import Membership, Organization, Person
from sampo.lib.text import fold

MATCH_KEYS = {
    ImportKind.ORGANIZATIONS: ("source_id", "business_id", "email", "name"),
    ImportKind.PEOPLE: ("source_id", "email", "name"),
}


def match_keys(kind: str) -> tuple[str, ...]:
    import_type = registry.get(kind)
    return import_type.match_keys if import_type else MATCH_KEYS[ImportKind(kind)]


def row_keys(
    kind: str, values: dict[str, Any], source_id: str, details: list[Any] | tuple[()] = ()
) -> dict[str, list[str]]:
    """The keys a row can be found by, normalized as the register stores them; `details` are
    the row's further emails and phones (contact_details.Detail)."""
    keys: dict[str, list[str]] = defaultdict(list)
    _add_details(keys, details)
    if source_id:
        keys["source_id"].append(source_id)
    if values.get("email"):
        keys["email"].append(values["email"].lower())
    if kind == ImportKind.ORGANIZATIONS:
        if values.get("business_id_key"):
            keys["business_id"].append(values["business_id_key"])
        if values.get("phone"):
            keys["phone"].append(values["phone"])
        if values.get("name_folded"):
            keys["name"].append(values["name_folded"])
    else:
        keys["phone"] += [values[f] for f in ("phone", "mobile") if values.get(f)]
        if values.get("last_name"):
            keys["name"].append(values["name_folded"])
    return keys


def _add_details(keys: dict[str, list[str]], details: Any) -> None:
    for detail in details:
        keys["email" if detail.kind == contact_details.EMAIL else "phone"].append(detail.value)


def record_keys(kind: str, record: Any) -> dict[str, list[str]]:
    keys: dict[str, list[str]] = defaultdict(list)
    _add_details(keys, record.contact_details.all())
    if record.email:
        keys["email"].append(record.email.lower())
    keys["name"].append(record.name_folded)
    if kind == ImportKind.ORGANIZATIONS:
        if record.business_id_key:
            keys["business_id"].append(record.business_id_key)
        if record.phone:
            keys["phone"].append(record.phone)
    else:
        keys["phone"] += [n for n in (record.phone, record.mobile) if n]
    return keys


@dataclass
class KeyIndex:
    """Records (or pending rows) by each of their keys."""

    by_key: dict[tuple[str, str], list[Any]] = field(default_factory=lambda: defaultdict(list))

    def add(self, item: Any, keys: dict[str, list[str]]) -> None:
        for kind, values in keys.items():
            for value in values:
                if item not in self.by_key[(kind, value)]:
                    self.by_key[(kind, value)].append(item)

    def find(self, kind: str, values: list[str]) -> list[Any]:
        found: list[Any] = []
        for value in values:
            found += [item for item in self.by_key.get((kind, value), []) if item not in found]
        return found


def _guard_hits(
    kind: str,
    index: KeyIndex,
    keys: dict[str, list[str]],
    city: str,
    organizations: set[int] | frozenset[int] = frozenset(),
) -> list[Any]:
    """`organizations`: the primary keys of the organizations a people row links to."""
    hits: list[Any] = []
    for key in ("business_id", "email", "phone"):
        hits += [r for r in index.find(key, keys.get(key, [])) if r not in hits]
    for record in index.find("name", keys.get("name", [])):
        if _same_place(kind, record, city, organizations) and record not in hits:
            hits.append(record)
    return hits


def _same_place(
    kind: str, record: Any, city: str, organizations: set[int] | frozenset[int]
) -> bool:
    """A name alone is a likely duplicate only in the same place (issue 3: "fuzzy name +
    place"): an organization in the same city; a person in one of the same organizations, or,
    for a row linked to none, in the same city. Common names ("Matti Virtanen") recur among
    the people of a real register: the name alone held back most of a 60,000-person file."""
    if kind == ImportKind.PEOPLE and organizations:
        return bool(organizations & getattr(record, "organization_pks", frozenset()))
    return not city or fold(record.city) == city


class ChunkMatcher:
    """Existing records for one chunk of rows, fetched at once and locked for the chunk."""

    def __init__(
        self, kind: str, source: str, rows: list[Any], *, match: Sequence[str] = ()
    ) -> None:
        self.kind = kind
        self.rows = rows
        # Matching by name (the user's choice) needs every namesake; the guard only those in
        # the same place.
        self.name_match = "name" in match
        self.model: Any = Organization if kind == ImportKind.ORGANIZATIONS else Person
        self.content_type = ContentType.objects.get_for_model(self.model)
        wanted: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            for key, values in row.keys.items():
                wanted[key].update(values)
        self.source_ids: dict[str, int] = {}
        if wanted["source_id"]:
            self.source_ids = dict(
                ExternalId.objects.filter(
                    source=source,
                    content_type=self.content_type,
                    external_id__in=wanted["source_id"],
                ).values_list("external_id", "object_id")
            )
        self.index = KeyIndex()
        self.by_pk: dict[int, Any] = {}
        for record in self._fetch(wanted):
            if kind == ImportKind.PEOPLE:
                record.organization_pks = {m.organization_id for m in record.current_memberships}
            self.by_pk[record.pk] = record
            self.index.add(record, record_keys(kind, record))
        self.known_source_ids: dict[int, set[str]] = defaultdict(set)
        for external_id, pk in self.source_ids.items():
            self.known_source_ids[pk].add(external_id)

    def _fetch(self, wanted: dict[str, set[str]]) -> list[Any]:
        condition = Q(pk__in=list(self.source_ids.values()))
        if wanted["email"]:
            condition |= Q(email_lower__in=wanted["email"])
            condition |= contact_details.having(self.model, contact_details.EMAIL, wanted["email"])
        if wanted["name"]:
            condition |= self._namesakes(wanted["name"])
        if wanted["phone"]:
            condition |= Q(phone__in=wanted["phone"])
            if self.kind == ImportKind.PEOPLE:
                condition |= Q(mobile__in=wanted["phone"])
            condition |= contact_details.having(self.model, contact_details.PHONE, wanted["phone"])
        if wanted["business_id"]:
            condition |= Q(business_id_key__in=wanted["business_id"])
        related = ("owner", "industry", "parent") if self.kind == ImportKind.ORGANIZATIONS else ()
        m2m: tuple[Any, ...] = ("contact_details", "tags")
        if self.kind == ImportKind.ORGANIZATIONS:
            m2m += ("relationship_types",)
        else:
            current = Membership.objects.filter(end_date__isnull=True).only(
                "person_id", "organization_id"
            )
            m2m += (Prefetch("memberships", queryset=current, to_attr="current_memberships"),)
        rows = (
            self.model.objects.annotate(email_lower=Lower("email"))
            .filter(condition)
            .select_related("owner", *related)
            .prefetch_related(*m2m)
            # Locked until the chunk commits, so that an edit made meanwhile is not overwritten.
            .select_for_update(of=("self",))
        )
        return list(rows)

    def _namesakes(self, names: set[str]) -> Q:
        """People who may be a row's namesake in the guard's sense: in one of the row's
        organizations (for a row linked to some), else anywhere (the city is compared after).
        Fetching every namesake made each chunk read a growing part of the register (common
        names), and a people import slower the larger the register grew."""
        if self.kind != ImportKind.PEOPLE or self.name_match:
            return Q(name_folded__in=names)
        loose = {
            n for row in self.rows if not row.organization_pks for n in row.keys.get("name", [])
        }
        linked = {n for row in self.rows if row.organization_pks for n in row.keys.get("name", [])}
        organizations = {pk for row in self.rows for pk in row.organization_pks}
        members = Membership.objects.filter(
            organization_id__in=organizations, end_date__isnull=True
        ).values("person_id")
        return Q(name_folded__in=loose) | Q(name_folded__in=linked, pk__in=members)

    def matches(self, key: str, keys: dict[str, list[str]]) -> list[Any]:
        if key == "source_id":
            pks = [self.source_ids[v] for v in keys.get("source_id", []) if v in self.source_ids]
            return [self.by_pk[pk] for pk in pks if pk in self.by_pk]
        return self.index.find(key, keys.get(key, []))

    def trashed_source_id(self, keys: dict[str, list[str]]) -> str:
        """A source id that points to a record no longer in the register (in the trash)."""
        for value in keys.get("source_id", []):
            if value in self.source_ids and self.source_ids[value] not in self.by_pk:
                return value
        return ""

    def likely_duplicates(
        self,
        keys: dict[str, list[str]],
        city: str,
        organizations: set[int] | frozenset[int] = frozenset(),
    ) -> list[Any]:
        return _guard_hits(self.kind, self.index, keys, city, organizations)


def pending_duplicates(
    kind: str,
    index: KeyIndex,
    keys: dict[str, list[str]],
    city: str,
    organizations: set[int] | frozenset[int] = frozenset(),
) -> list[Any]:
    """Rows of the same chunk waiting to be created that the row would duplicate."""
    by_source = index.find("source_id", keys.get("source_id", []))
    hits = _guard_hits(kind, index, keys, city, organizations)
    return by_source + [r for r in hits if r not in by_source]
