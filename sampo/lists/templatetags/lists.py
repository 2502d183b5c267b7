"""Template helpers of list pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from sampo.lists import toolbar

register = template.Library()


@register.simple_tag
def row_checkbox(record: Any) -> SafeString:
    """`{% row_checkbox record %}`: the row's bulk checkbox, as `lists/_row_checkbox.html`
    draws it, without an include per row."""
    return toolbar.row_checkbox(record)
