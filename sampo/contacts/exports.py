"""The register's lists as files: the columns of each export, in the reader's language.

The rows come from the same selectors as the list pages (`organization_rows`, `person_rows`),
so an export holds exactly what the list shows with the same filters, and is read in chunks
with its related rows prefetched per chunk: the query count does not grow with the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Field, Model, QuerySet
from django.utils.functional import lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampo.contacts.models import ContactDetail, Organization, Person
from sampo.core import custom_fields
from sampo.core.custom_fields import values as custom_values
from sampo.core.models import CustomField
from sampo.lib.phones import display_phone
from sampo.lib.spreadsheets import Cell
from sampo.lib.vcard import person_vcard

# Rows fetched per query; their prefetches are one query each per chunk.
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class Column:
    label: Any  # a lazy translation, read in the reader's language
    value: Callable[[Any], Cell]


def _field(model: type[Model], name: str, value: Callable[[Any], Cell] | None = None) -> Column:
    """A column named like the model field, so the file uses the form's words."""
    field = model._meta.get_field(name)
    if not isinstance(field, Field):  # a relation's reverse side: a programming error
        raise TypeError(name)
    label = field.verbose_name
    return Column(label, value or (lambda record: getattr(record, name)))


def _phone(e164: str) -> str:
    return display_phone(e164, reader_region=settings.DEFAULT_PHONE_REGION) if e164 else ""


def _names(records: Iterable[Any]) -> str:
    return ", ".join(str(record) for record in records)


def _further(kind: str) -> Callable[[Any], Cell]:
    """A record's further emails or phones as "label: value; label: value", the way the
    import reads them back (labels in any language)."""

    def value(record: Any) -> Cell:
        details = [d for d in record.contact_details.all() if d.kind == kind]
        return "; ".join(f"{d.get_label_display()}: {d.display_value}" for d in details)

    return value


MORE_EMAILS = Column(_("More emails"), _further(ContactDetail.Kind.EMAIL))
MORE_PHONES = Column(_("More phones"), _further(ContactDetail.Kind.PHONE))

_CREATED = Column(
    pgettext_lazy("column: when a record was created", "Created"), lambda r: r.created_at
)
_UPDATED = Column(
    pgettext_lazy("column: when a record was last changed", "Last changed"),
    lambda r: r.updated_at,
)

ORGANIZATION_COLUMNS = (
    _field(Organization, "name"),
    _field(Organization, "business_id"),
    _field(Organization, "relationship_types", lambda o: _names(o.relationship_types.all())),
    Column(_("Industry code"), lambda o: o.industry.code if o.industry else ""),
    _field(Organization, "industry", lambda o: o.industry.name if o.industry else ""),
    _field(Organization, "owner", lambda o: o.owner.name),
    _field(Organization, "email"),
    _field(Organization, "phone", lambda o: _phone(o.phone)),
    _field(Organization, "website"),
    _field(Organization, "street"),
    _field(Organization, "postal_code"),
    _field(Organization, "city"),
    _field(Organization, "country", lambda o: o.get_country_display()),
    _field(Organization, "postal_street"),
    _field(Organization, "postal_postal_code"),
    _field(Organization, "postal_city"),
    _field(Organization, "billing_street"),
    _field(Organization, "billing_postal_code"),
    _field(Organization, "billing_city"),
    _field(Organization, "billing_email"),
    MORE_EMAILS,
    MORE_PHONES,
    _field(Organization, "tags", lambda o: _names(o.tags.all())),
    _CREATED,
    _UPDATED,
)

PERSON_COLUMNS = (
    _field(Person, "first_name"),
    _field(Person, "last_name"),
    _field(Person, "job_title"),
    Column(
        _("Current organizations"),
        lambda p: _names(m.organization.name for m in p.current_memberships),
    ),
    _field(Person, "email"),
    _field(Person, "phone", lambda p: _phone(p.phone)),
    _field(Person, "mobile", lambda p: _phone(p.mobile)),
    MORE_EMAILS,
    MORE_PHONES,
    _field(Person, "city"),
    _field(Person, "country", lambda p: p.get_country_display()),
    _field(Person, "preferred_language", lambda p: p.get_preferred_language_display()),
    _field(Person, "owner", lambda p: p.owner.name),
    _field(Person, "tags", lambda p: _names(p.tags.all())),
)


def _custom_column(field: CustomField) -> Column:
    def value(record: Any) -> Cell:
        return custom_values.export_cell(field, (record.custom or {}).get(field.code))

    # Read when the headers are written, in the reader's language.
    return Column(lazy(lambda: field.display_label, str)(), value)


def with_custom_fields(columns: tuple[Column, ...], record_type: str) -> tuple[Column, ...]:
    """The built-in columns and one per active custom field of the record type, labelled
    as the import reads them back."""
    return columns + tuple(_custom_column(f) for f in custom_fields.definitions(record_type))


def headers(columns: Iterable[Column]) -> list[str]:
    return [capfirst(str(column.label)) for column in columns]


def table(columns: Iterable[Column], rows: QuerySet) -> Iterator[list[Cell]]:
    columns = tuple(columns)
    for record in rows.prefetch_related("contact_details").iterator(chunk_size=CHUNK_SIZE):
        yield [column.value(record) for column in columns]


def person_card(person: Person) -> str:
    """`person` comes from `person_rows` (it carries `current_memberships`, primary first) or
    has them set by the caller."""
    memberships = person.current_memberships  # type: ignore[attr-defined]
    primary = memberships[0] if memberships else None
    return person_vcard(
        family_name=person.last_name,
        given_name=person.first_name,
        full_name=person.full_name,
        organization=primary.organization.name if primary else "",
        title=person.job_title or (primary.role if primary else ""),
        email=person.email,
        mobile=person.mobile,
        phone=person.phone,
        further=[(d.kind, d.label, d.value) for d in person.contact_details.all()],
        street=person.street,
        postal_code=person.postal_code,
        city=person.city,
        country=str(person.get_country_display()),
        language=person.preferred_language,
        note=person.notes,
        revised=person.updated_at,
    )


def person_cards(rows: QuerySet[Person]) -> Iterator[str]:
    for person in rows.prefetch_related("contact_details").iterator(chunk_size=CHUNK_SIZE):
        yield person_card(person)
