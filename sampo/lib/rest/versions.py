"""A record's version as its ETag, and `If-Match` read back into the version a service checks.
A stale `If-Match` makes the service raise `StaleEditError`, which the API answers with 412."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _

from sampo.lib.rest.problems import ApiError


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(request: HttpRequest) -> int | None:
    """The version named by `If-Match`, or None when the client sent none (or `*`)."""
    header = request.headers.get("if-match", "").strip()
    if not header or header == "*":
        return None
    value = header.removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ApiError(
            400,
            _("Bad If-Match header"),
            _('If-Match must be the ETag of the record as you read it, e.g. "3".'),
            kind="bad-request",
        )
    return int(value)
