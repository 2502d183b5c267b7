"""The REST API, version 1: one NinjaAPI under /api/v1/ gathering each app's router
(`<app>/api.py`), with token or session auth, a rate limit per token, and every error as a
problem document. The OpenAPI 3 document is /api/v1/openapi.json, interactive docs /api/v1/docs."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as SchemaValidationError

from sampo.api.auth import BearerToken, Session
from sampo.api.throttling import PerTokenThrottle
from sampo.contacts import access
from sampo.contacts.services import DuplicateError
from sampo.core.records import StaleEditError
from sampo.lib.rest import schema_errors
from sampo.lib.rest.problems import ApiError, document_problems, field_errors, problem
from sampo.lib.rest.versions import etag

logger = logging.getLogger(__name__)


class SampoApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        # Every operation's problem responses (400/401/403/404/409/412/422/429) are declared
        # here once, so each app's router lists only its successes.
        return document_problems(super().get_openapi_schema(**kwargs))


api = SampoApi(
    title="Sampo CRM API",
    version="1",
    urls_namespace="api-1",
    description=(
        "Organizations, people, activities and opportunities of a Sampo CRM. Authenticate with a "
        "personal token (`Authorization: Bearer sampo_…`, created in your profile or with "
        "`sampo token create`). Lists are cursor-paged (`cursor`, `limit`), sorted with `sort` "
        "and synced incrementally with `updated_since`; single records carry their version as "
        "`ETag`, and updates with a stale `If-Match` get 412. Errors are RFC 9457 problem "
        "documents."
    ),
    auth=[BearerToken(), Session()],
    throttle=[PerTokenThrottle()],
)


def _json_location(loc: Any) -> str:
    return ".".join(str(part) for part in loc if part not in ("body", "payload"))


@api.exception_handler(SchemaValidationError)
def _schema_invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    errors = [
        {"field": _json_location(error.get("loc", ())), "message": schema_errors.message(error)}
        for error in exc.errors
    ]
    return problem(422, _("The request is not valid"), kind="validation", errors=errors)


@api.exception_handler(DjangoValidationError)
def _rule_broken(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
    return problem(
        422, _("The request is not valid"), kind="validation", errors=field_errors(messages)
    )


@api.exception_handler(StaleEditError)
def _stale(request: HttpRequest, exc: StaleEditError) -> HttpResponse:
    return problem(
        412,
        _("The record has changed"),
        str(exc.message),
        kind="stale-version",
        current_version=exc.current_version,
        headers={"ETag": etag(exc.current_version)},
    )


@api.exception_handler(DuplicateError)
def _duplicate(request: HttpRequest, exc: DuplicateError) -> HttpResponse:
    # Only the matches the caller may see: a hidden record's name must not leak through here.
    seen = [m for m in exc.matches if access.visible_pk(request.user, m.record)]  # type: ignore[arg-type]
    matches = [
        {
            "type": m.record._meta.model_name,
            "id": m.record.pk,
            "name": str(m.record),
            "reason": m.reason,
        }
        for m in seen
    ]
    return problem(
        409,
        _("A likely duplicate exists"),
        _("Nothing was saved. Send allow_duplicate: true to save it anyway."),
        kind="duplicate",
        matches=matches,
    )


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(404, _("Not found"), kind="not-found")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(403, _("Not allowed"), _("Your role does not allow this."), kind="forbidden")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem(
        401,
        _("Authentication needed"),
        _("Send a valid, unrevoked API token as Authorization: Bearer <token>."),
        kind="unauthenticated",
        headers={"WWW-Authenticate": 'Bearer realm="sampo"'},
    )


@api.exception_handler(Throttled)
def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return problem(
        429,
        _("Too many requests"),
        _("This token has made too many requests. Wait for the time in Retry-After."),
        kind="rate-limited",
    )


@api.exception_handler(ApiError)
def _api_problem(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return problem(exc.status, exc.title, exc.detail, kind=exc.kind, **exc.extra)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(exc.status_code, str(exc))


@api.exception_handler(Exception)
def _crashed(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API request failed: %s %s", request.method, request.path)
    return problem(
        500,
        _("Something went wrong"),
        _("The error was logged. Nothing of this request was saved."),
        kind="server-error",
    )


def _add_routers() -> None:
    from sampo.accounts.api import router as users_and_teams
    from sampo.activities.api import router as activities
    from sampo.contacts.api import router as contacts
    from sampo.contacts.people_api import router as people
    from sampo.contacts.register_api import router as register
    from sampo.core.custom_fields.api import router as custom_fields
    from sampo.sales.api import router as sales
    from sampo.sales.api import setup_router as sales_setup

    api.add_router("", contacts)
    api.add_router("", people)
    api.add_router("", register)
    api.add_router("", custom_fields)
    api.add_router("", activities)
    api.add_router("", users_and_teams)
    api.add_router("", sales)
    api.add_router("", sales_setup)


_add_routers()
