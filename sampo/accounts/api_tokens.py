"""Personal API tokens: created and revoked by their user (profile, `sampo token`), checked on
every API request. The secret is returned once by `api_token_create` and never stored."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sampo.accounts.models import ApiToken, User
from sampo.core.audit import audit_record

# Recognisable in logs and by secret scanners; the rest is 256 random bits.
TOKEN_PREFIX = "sampo_"  # noqa: S105 (a public marker, not a secret)
# Writing the last-used time on every request would turn each read into a write.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown to the user once


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(*, actor: User, user: User, name: str, scope: str) -> IssuedToken:
    """A user creates tokens for themselves only (the command line acts as that user)."""
    if actor.pk != user.pk:
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the system that uses it.")})
    if scope not in ApiToken.Scope.values:
        raise ValidationError({"scope": _("Choose read or write.")})
    if not user.is_active:
        raise ValidationError(_("A deactivated user cannot have API tokens."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            scope=scope,
            prefix=secret[: len(TOKEN_PREFIX) + 6],
            key_hash=_hash(secret),
            created_by=actor,
        )
        audit_record(
            "api_token_created", actor=actor, target=user, details={"name": name, "scope": scope}
        )
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """A user revokes their own tokens; an admin anyone's (a lost laptop, a leaver)."""
    if token.user_id != actor.pk and not actor.is_admin:
        raise PermissionDenied
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            "api_token_revoked", actor=actor, target=token.user, details={"name": token.name}
        )
    return token


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_authenticate(secret: str) -> ApiToken | None:
    """The active token with this secret whose user may still log in, or None."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__role")
        .filter(key_hash=_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
