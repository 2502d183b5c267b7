"""Errors as RFC 9457 problem documents (`application/problem+json`): one shape for validation,
permission, not found, conflict, precondition and rate-limit errors, in the caller's language."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse

CONTENT_TYPE = "application/problem+json"
# Problem types are documented in the API's README; the URI names them, nothing is served there.
TYPE_BASE = "https://sampo.dev/problems/"


class ApiError(Exception):
    """Raised by a resource for a problem with no Django exception of its own (a bad cursor,
    a filter outside the allow-list)."""

    def __init__(
        self, status: int, title: str, detail: str = "", *, kind: str = "", **extra: Any
    ) -> None:
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.kind, self.extra = (
            status,
            title,
            detail,
            kind,
            extra,
        )


def field_errors(messages: Mapping[str, Iterable[str]]) -> list[dict[str, str]]:
    return [
        {"field": "" if field == "__all__" else field, "message": str(message)}
        for field, field_messages in messages.items()
        for message in field_messages
    ]


def problem(
    status: int,
    title: str,
    detail: str = "",
    *,
    kind: str = "",
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"{TYPE_BASE}{kind}" if kind else "about:blank",
        "title": str(title),
        "status": status,
    }
    if detail:
        body["detail"] = str(detail)
    body.update(extra)
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=status,
        content_type=CONTENT_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response
