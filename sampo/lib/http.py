"""Request types for views behind the login (every view but the few marked otherwise), and
response helpers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import tzinfo
from typing import TYPE_CHECKING, TypeVar

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from sampo.accounts.models import User

T = TypeVar("T")
R = TypeVar("R", bound=HttpResponseBase)
_END = object()


class AuthedRequest(HttpRequest):
    user: User  # LoginRequiredMiddleware guarantees it
    htmx: HtmxDetails  # django-htmx's middleware


def in_current_locale(chunks: Iterator[T]) -> Iterator[T]:
    """A streaming response's content, made in the language and time zone of the request.

    The body of a StreamingHttpResponse is produced after the middleware that set the reader's
    language and zone has returned; this takes them along and applies them only while each
    chunk is made, so nothing leaks into the next request served by the thread."""
    # Read now, while the request's middleware is still in effect (a generator's body would
    # only run at the first chunk).
    return _made_in(chunks, translation.get_language(), timezone.get_current_timezone())


def _made_in(chunks: Iterator[T], language: str | None, zone: tzinfo) -> Iterator[T]:
    try:
        while True:
            with translation.override(language), timezone.override(zone):
                chunk = next(chunks, _END)
            if chunk is _END:
                return
            yield chunk  # type: ignore[misc]
    finally:
        if close := getattr(chunks, "close", None):  # a download cut short: free its cursor
            close()


def as_download(response: R, filename: str) -> R:
    """The response saved as a file with this name, not shown in the browser."""
    disposition = content_disposition_header(as_attachment=True, filename=filename)
    response["Content-Disposition"] = disposition or "attachment"
    return response
