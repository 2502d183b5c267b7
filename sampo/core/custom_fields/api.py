"""Custom field definitions in the REST API, read only: what a client may put in a record's
`custom` (values are read and written on the records themselves)."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from sampo.core import custom_fields
from sampo.core.models import CustomField
from sampo.lib.rest.problems import ApiError

router = Router(tags=["custom fields"])


class CustomFieldChoice(Schema):
    key: str
    label: str
    archived: bool


class CustomFieldOut(Schema):
    code: str
    label: str
    kind: Literal[
        "text", "long_text", "number", "money", "date", "choice", "multi_choice", "yes_no"
    ]
    choices: list[CustomFieldChoice]
    required: bool
    currency: str = Field(..., description="Default currency of a money field")
    help_text: str


class CustomFieldFilters(Schema):
    record_type: str = Field(
        ..., max_length=40, description="organization, person, or another registered type"
    )


def custom_field_out(field: CustomField) -> dict[str, Any]:
    return {
        "code": field.code,
        "label": field.display_label,
        "kind": field.kind,
        "choices": [
            {
                "key": str(choice.get("key", "")),
                "label": str(choice.get("label", "")),
                "archived": bool(choice.get("archived", False)),
            }
            for choice in field.choices or []
        ],
        "required": field.required,
        "currency": field.currency,
        "help_text": field.help_text,
    }


@router.get(
    "/custom-fields",
    response=list[CustomFieldOut],
    summary="List the custom fields of a record type",
    description=(
        "The active fields in their order. A record's `custom` holds their values by code: "
        "text, a number as a string, money as {amount, currency}, a date as YYYY-MM-DD, a "
        "choice's key, a list of keys, or true/false."
    ),
)
def custom_field_list(
    request: HttpRequest, filters: Query[CustomFieldFilters]
) -> list[dict[str, Any]]:
    if custom_fields.record_type(filters.record_type) is None:
        keys = ", ".join(sorted(t.key for t in custom_fields.record_types()))
        raise ApiError(
            400,
            _("Bad list parameters"),
            _("record_type must be one of: %(choices)s.") % {"choices": keys},
            kind="bad-request",
        )
    return [custom_field_out(f) for f in custom_fields.definitions(filters.record_type)]
