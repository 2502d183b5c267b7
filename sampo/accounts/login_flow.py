"""The steps of a login kept in the session.

A password accepted for a user with two-factor login only parks the user's id in the session
(`pending_start`); the session is not logged in, so LoginRequiredMiddleware keeps every page
shut, until `login_finish` after a good code. A user whose role requires two-factor login and
who has none yet is logged in with a mark (`ENROL_KEY`) that keeps them on the set-up pages
(middleware.TwoFactorEnrolmentMiddleware) until it is done.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest

from sampo.accounts import two_factor
from sampo.accounts.models import User
from sampo.core.audit import audit_record

PENDING_KEY = "sampo_2fa_pending"
ENROL_KEY = "sampo_2fa_enrol"


@dataclass(frozen=True)
class PendingLogin:
    user: User
    backend: str
    next_url: str


def pending_start(request: HttpRequest, *, user: User, next_url: str) -> None:
    request.session.cycle_key()  # a new session id for the half-logged-in visitor
    request.session[PENDING_KEY] = {
        "user": user.pk,
        # Set on the user by authenticate(): the backend that accepted the password.
        "backend": user.backend,  # type: ignore[attr-defined]
        "next": next_url,
        "started": time.time(),
    }


def pending_login(request: HttpRequest) -> PendingLogin | None:
    """The user waiting for their code, or None (none, expired, or deactivated meanwhile)."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    if time.time() - float(data.get("started", 0)) > settings.TWO_FACTOR_LOGIN_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None
    user = User.objects.select_related("role").filter(pk=int(data["user"]), is_active=True).first()
    if user is None:
        return None
    return PendingLogin(user, str(data["backend"]), str(data["next"]))


def login_finish(request: HttpRequest, *, user: User, backend: str, second_factor: str) -> None:
    """Log the user in, audit it, and mark them for enrolment if their role requires it."""
    request.session.pop(PENDING_KEY, None)
    login(request, user, backend=backend)
    audit_record("login", actor=user, details={"second_factor": second_factor}, request=request)
    if second_factor == "none" and two_factor.is_required_for(user):
        request.session[ENROL_KEY] = True


def enrolment_done(request: HttpRequest) -> None:
    request.session.pop(ENROL_KEY, None)
