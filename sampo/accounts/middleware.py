from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation

from sampo.accounts.login_flow import ENROL_KEY


class UserPreferencesMiddleware:
    """A logged-in user sees their own language and time zone, whatever the browser says."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        request.LANGUAGE_CODE = user.language
        # Overrides, not activations: the next request served by this thread starts clean.
        with translation.override(user.language), timezone.override(_zone(user.time_zone)):
            return self.get_response(request)


def _zone(name: str) -> zoneinfo.ZoneInfo | None:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


# The pages a user who must set up two-factor login may still open.
ENROLMENT_PAGES = frozenset(
    {
        "accounts:two_factor",
        "accounts:two_factor_setup",
        "accounts:two_factor_confirm",
        "accounts:logout",
        "accounts:set_language",
        "core:healthz",
    }
)


class TwoFactorEnrolmentMiddleware:
    """A user whose role requires two-factor login and who logged in without it is sent to
    set it up, from any page, until it is done (login_flow.ENROL_KEY)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not request.user.is_authenticated or not request.session.get(ENROL_KEY):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ENROLMENT_PAGES:
            return None
        target = reverse("accounts:two_factor")
        if getattr(request, "htmx", False):
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)
