"""The columns the organization and person lists can show: built-in ones and the active
custom fields of the record type. Every column's cell is drawn from the row itself or from
what the list's selector prefetches, so no column adds a query per row."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import formats
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampo.core.custom_fields import values as custom_values
from sampo.core.list_columns import ListColumn
from sampo.core.models import CustomField
from sampo.core.templatetags.sampo import phone
from sampo.lists.toolbar import row_checkbox

LIST_KEYS = {"organization": "contacts.organizations", "person": "contacts.people"}

_UPDATED = ListColumn(
    "updated", pgettext_lazy("column: when a record was last changed", "Last changed")
)
_CREATED = ListColumn("created", pgettext_lazy("column: when a record was created", "Created"))

BUILT_IN = {
    "organization": [
        ListColumn("name", _("Name")),
        ListColumn("relationship", _("Relationship")),
        ListColumn("city", _("City")),
        ListColumn("business_id", _("Business ID")),
        ListColumn("owner", _("Owner")),
        ListColumn("industry", _("Industry")),
        ListColumn("email", _("Email")),
        ListColumn("phone", _("Phone")),
        ListColumn("website", _("Website")),
        ListColumn("country", _("Country")),
        ListColumn("tags", _("Tags")),
        _UPDATED,
        _CREATED,
    ],
    "person": [
        ListColumn("name", _("Name")),
        ListColumn("organization", _("Organization")),
        ListColumn("email", _("Email")),
        ListColumn("phone", _("Phone")),
        ListColumn("owner", _("Owner")),
        ListColumn("job_title", _("Job title")),
        ListColumn("mobile", _("Mobile")),
        ListColumn("city", _("City")),
        ListColumn("country", _("Country")),
        ListColumn("language", _("Preferred language")),
        ListColumn("tags", _("Tags")),
        _UPDATED,
        _CREATED,
    ],
}
DEFAULT = {
    "organization": ["name", "relationship", "city", "business_id", "owner"],
    "person": ["name", "organization", "email", "phone", "owner"],
}


def available(kind: str, custom: list[CustomField]) -> list[ListColumn]:
    return [
        *BUILT_IN[kind],
        *(ListColumn(field.key, field.display_label, field) for field in custom),
    ]


# --- Cells ----------------------------------------------------------------------------------
# Each cell is drawn in Python: a list page has 50 rows times up to 30 columns, and a template
# include with an if-chain per cell cost more than the rest of the page together. The HTML is
# the same the templates gave; every value is escaped by format_html / conditional_escape.

Cell = Callable[[Any], str]


def _date(value: datetime.datetime | None) -> str:
    return formats.date_format(localtime(value), "SHORT_DATE_FORMAT") if value else ""


def _badges(items: Any, label: Callable[[Any], str] = str) -> str:
    return format_html_join("", '<span class="badge">{}</span> ', ((label(i),) for i in items))


def _mailto(email: str) -> str:
    return format_html('<a href="mailto:{}">{}</a>', email, email) if email else ""


def _phone(e164: str) -> str:
    return conditional_escape(phone(e164))


def _escaped(value: Any) -> str:
    return conditional_escape("" if value is None else value)


def _owner(record: Any) -> str:
    return _escaped(record.owner.name if record.owner is not None else "")


ORGANIZATION_CELLS: dict[str, Cell] = {
    "name": lambda o: format_html('<a href="{}">{}</a>', o.get_absolute_url(), o.name),
    # `relationship_list` and `tag_list` are prefetched by selectors.organization_list.
    "relationship": lambda o: _badges(o.relationship_list),
    "city": lambda o: _escaped(o.city),
    "business_id": lambda o: _escaped(o.business_id),
    "owner": _owner,
    "industry": lambda o: _escaped(o.industry),
    "email": lambda o: _mailto(o.email),
    "phone": lambda o: _phone(o.phone),
    "website": lambda o: (
        format_html(
            '<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>', o.website, o.website
        )
        if o.website
        else ""
    ),
    "country": lambda o: _escaped(o.get_country_display()),
    "tags": lambda o: _badges(o.tag_list, lambda tag: tag.name),
    "updated": lambda o: _date(o.updated_at),
    "created": lambda o: _date(o.created_at),
}


def _person_name(p: Any) -> str:
    link = format_html('<a href="{}">{}</a>', p.get_absolute_url(), p.full_name)
    if p.job_title:
        return format_html('{}<br><small class="muted">{}</small>', link, p.job_title)
    return link


def _person_organizations(p: Any) -> str:
    return format_html_join(
        ", ",
        '<a href="{}">{}</a>',
        (
            (reverse("contacts:organization", args=[m.organization_id]), m.organization.name)
            for m in p.current_memberships
        ),
    )


PERSON_CELLS: dict[str, Cell] = {
    "name": _person_name,
    # `current_memberships` and `tag_list` are prefetched by selectors.person_list.
    "organization": _person_organizations,
    "email": lambda p: _mailto(p.email),
    "phone": lambda p: _phone(p.mobile or p.phone),
    "owner": _owner,
    "job_title": lambda p: _escaped(p.job_title),
    "mobile": lambda p: _phone(p.mobile),
    "city": lambda p: _escaped(p.city),
    "country": lambda p: _escaped(p.get_country_display()),
    "language": lambda p: _escaped(p.get_preferred_language_display()),
    "tags": lambda p: _badges(p.tag_list, lambda tag: tag.name),
    "updated": lambda p: _date(p.updated_at),
    "created": lambda p: _date(p.created_at),
}
CELLS = {"organization": ORGANIZATION_CELLS, "person": PERSON_CELLS}


@dataclass
class Row:
    record: Any
    checkbox: str
    cells: list[str]


def rows(kind: str, records: list[Any], columns: list[ListColumn]) -> list[Row]:
    """The page's rows with each chosen column's cell as HTML."""
    built_in = CELLS[kind]
    drawers: list[Cell] = [
        _custom_cell(column.custom) if column.custom is not None else built_in[column.key]
        for column in columns
    ]
    return [
        Row(record, row_checkbox(record), [draw(record) for draw in drawers]) for record in records
    ]


def _custom_cell(field: CustomField) -> Cell:
    code = field.code
    return lambda record: _escaped(custom_values.display(field, (record.custom or {}).get(code)))
