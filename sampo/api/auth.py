"""Who calls the API: a personal token (`Authorization: Bearer sampo_…`) or the browser's
session (with Django's CSRF check on writes). Either way the request then acts as that user,
with that user's rights, so the API sees exactly what the screens do."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer

from sampo.accounts.api_tokens import api_token_authenticate
from sampo.lib.rest.problems import ApiError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReadOnlyTokenError(ApiError):
    def __init__(self) -> None:
        super().__init__(
            403,
            _("Read-only token"),
            _("This token may only read. Create a token with the write scope to make changes."),
            kind="forbidden",
        )


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_authenticate(token)
        if found is None:
            return None
        if request.method not in SAFE_METHODS and not found.may_write:
            raise ReadOnlyTokenError
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        # The token's user reads errors in their language unless the client asks otherwise.
        if "accept-language" not in request.headers:
            translation.activate(found.user.language)
            request.LANGUAGE_CODE = found.user.language  # type: ignore[attr-defined]
        return found


class Session(APIKeyCookie):
    """The product's own pages call the API with the session cookie; writes need the CSRF
    token as for any form."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def rate_key(request: HttpRequest) -> str:
    token = getattr(request, "api_token", None)
    if token is not None:
        return f"token:{token.pk}"
    return f"user:{request.user.pk}"
