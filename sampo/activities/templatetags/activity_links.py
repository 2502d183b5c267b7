from __future__ import annotations

from typing import Any

from django import template

from sampo.activities.entry_links import link_for

register = template.Library()


@register.filter
def entry_link(activity: Any) -> str:
    """The page a higher app keeps about this timeline entry, or ""."""
    return link_for(activity)
