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


# --- The problems in the OpenAPI document ----------------------------------------------------

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem document; some types add members (errors, duplicates, "
    "current_version).",
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
                "required": ["field", "message"],
            },
        },
        "current_version": {"type": "integer"},
    },
    "required": ["type", "title", "status"],
    "additionalProperties": True,
}
# Every operation may answer these; a resource need not list them itself.
PROBLEM_STATUSES: dict[int, str] = {
    400: "Bad parameters: a sort, filter, cursor or header outside what the list allows",
    401: "No valid token (or session)",
    403: "The user's role, or a read-only token, does not allow this",
    404: "No such record, or not visible to the user",
    409: "A likely duplicate exists (or another conflict)",
    412: "If-Match names an older version; the current one is in current_version and ETag",
    422: "The request's values are not valid; see errors",
    429: "Too many requests for this token; see Retry-After",
}


def document_problems(document: dict[str, Any]) -> dict[str, Any]:
    """Declare the problem responses in an OpenAPI document, for every operation, so that a
    client generator (and the contract tests) know every answer the API can give."""
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    content = {CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            declared = {str(status) for status in operation["responses"]}
            for status, description in PROBLEM_STATUSES.items():
                if str(status) not in declared:  # ninja keys them by int
                    operation["responses"][status] = {
                        "description": description,
                        "content": content,
                    }
    return document
