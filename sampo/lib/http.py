"""Request types for views behind the login (every view but the few marked otherwise)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from sampo.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User  # LoginRequiredMiddleware guarantees it
