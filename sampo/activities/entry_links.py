"""Links from a timeline entry to a page a higher app keeps about it (an email's message page),
without this app knowing that app. The link is made from the activity's type and id alone, so
a timeline of fifty entries needs no extra query."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

LINKS: dict[str, str] = {}  # activity type code -> URL name that takes the activity's pk


def register(*, type_code: str, url_name: str) -> None:
    LINKS[type_code] = url_name


def link_for(activity: Any) -> str:
    url_name = LINKS.get(activity.type.code)
    return reverse(url_name, args=[activity.pk]) if url_name else ""
