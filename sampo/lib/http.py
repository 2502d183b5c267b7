"""Request types for views behind the login (every view but the few marked otherwise)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from sampo.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User  # LoginRequiredMiddleware guarantees it
    htmx: HtmxDetails  # django-htmx's middleware
