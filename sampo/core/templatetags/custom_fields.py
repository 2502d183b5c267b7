"""Template helpers for custom fields: a record's value of a field, as a reader sees it."""

from __future__ import annotations

from typing import Any

from django import template

from sampo.core.custom_fields import values
from sampo.core.models import CustomField

register = template.Library()


@register.filter
def custom_value(record: Any, field: CustomField) -> str:
    """`{{ organization|custom_value:field }}`"""
    stored = getattr(record, "custom", None) or {}
    return values.display(field, stored.get(field.code))
