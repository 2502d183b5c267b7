"""The audit log of sensitive actions: logins, two-factor changes, exports, imports, merges,
bulk changes, changes to users, roles and teams.

Any app records one with `audit_record`:

    audit_record("merge", actor=user, target=survivor, details={"merged": [12, 13]})

Call it inside the transaction of the action it records (a refused or rolled-back action then
leaves no event). Who made the request and from where (IP address honouring
SAMPO_BEHIND_PROXY, as the login throttling does; browser) are taken from the request being
served, which `AuditContextMiddleware` keeps at hand; work done outside a request (the worker,
the command line) is recorded without an address. An action's code must be registered with
`register_action` (core registers the shared ones below) so the log reads in the reader's
language.
"""

from __future__ import annotations

import contextvars
import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sampo.core.models import AuditEvent
from sampo.lib.client_ip import client_ip

ACTION_LABELS: dict[str, str | Promise] = {}


def register_action(code: str, label: str | Promise) -> None:
    ACTION_LABELS[code] = label


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


# Shared by several domains; an app registers its own in its registrations.py.
register_action("login", _("Logged in"))
register_action("login_failed", _("Failed login"))
register_action("logout", _("Logged out"))
register_action("password_changed", _("Changed password"))
register_action("password_reset_requested", _("Asked for a password reset link"))
register_action("export", _("Exported"))
register_action("import_started", _("Started an import"))
register_action("import_undone", _("Undid an import"))
register_action("merge", _("Merged records"))
register_action("merge_undone", _("Undid a merge"))
register_action("bulk_change", _("Changed records in bulk"))
register_action("audit_exported", _("Exported the audit log"))


@dataclass(frozen=True)
class RequestOrigin:
    ip_address: str | None
    user_agent: str


_origin: contextvars.ContextVar[RequestOrigin | None] = contextvars.ContextVar(
    "sampo_audit_origin", default=None
)


def request_origin(request: HttpRequest) -> RequestOrigin:
    return RequestOrigin(
        ip_address=client_ip(request),
        user_agent=request.headers.get("user-agent", "")[:300],
    )


class AuditContextMiddleware:
    """Keeps where the current request comes from, so a service deep down can audit without
    being handed the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _origin.set(request_origin(request))
        try:
            return self.get_response(request)
        finally:
            _origin.reset(token)


def audit_record(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    details: Mapping[str, Any] | None = None,
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Record `action` by `actor` (a user, or None for the system or an unknown visitor) on
    `target`. `details` must be JSON-serializable. `actor_label` defaults to the actor's
    email; give it for a visitor (the address typed into a failed login)."""
    if action not in ACTION_LABELS:
        raise ValueError(f"unregistered audit action {action!r}")
    origin = request_origin(request) if request is not None else _origin.get()
    known_actor = actor if getattr(actor, "pk", None) else None
    event = AuditEvent(
        actor=known_actor,
        actor_label=(actor_label or getattr(known_actor, "email", ""))[:254],
        action=action,
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
        details=dict(details or {}),
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(
            target._meta.model, for_concrete_model=False
        )
        event.target_id = str(target.pk)
        event.target_label = str(target)[:300]
    event.save(force_insert=True)
    return event


def audit_export(request: HttpRequest, *, what: str, file_format: str) -> AuditEvent:
    """An export of a list (`what`: "organizations", "opportunities"...) with the list's
    filters as the query string gave them. One call in each export view."""
    filters = {key: request.GET.getlist(key) for key in request.GET if key != "page"}
    return audit_record(
        "export",
        actor=request.user,
        details={"what": what, "format": file_format, "filters": filters},
        request=request,
    )


def require_admin(user: Any) -> None:
    # The user model promises `is_admin` (accounts.User); core knows no roles beyond that.
    if not getattr(user, "is_admin", False):
        raise PermissionDenied


def audit_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the events older than settings.AUDIT_KEEP_DAYS, in batches so that a long
    backlog never holds one huge delete."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.AUDIT_KEEP_DAYS)
    deleted = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(created_at__lt=cutoff).values_list("pk", flat=True)[:5000]
        )
        if not batch:
            return deleted
        deleted += AuditEvent.objects.filter(pk__in=batch).delete()[0]
