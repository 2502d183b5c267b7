"""The columns the organization and person lists can show: built-in ones and the active
custom fields of the record type. Every column's cell is drawn from the row itself or from
what the list's selector prefetches, so no column adds a query per row."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampo.core.list_columns import ListColumn
from sampo.core.models import CustomField

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
