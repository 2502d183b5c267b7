"""Two-factor login with an authenticator app (TOTP) and one-time recovery codes.

Enrolment: `enrolment_start` gives the user an unconfirmed device with a new secret (shown as
a QR code and as text); `enrolment_confirm` takes a first code from the app, turns the device
on and returns ten recovery codes, shown once and stored hashed. At login, a password accepted
for a user with a device only parks the user in the session (`views.login`); `login_code_check`
then takes a code from the app, once (the time step of an accepted code is remembered, so the
same code cannot be replayed), or an unused recovery code, and throttles wrong codes. An admin
may require two-factor login for everyone or for some roles (`TwoFactorPolicy`).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from typing import Any

import pyotp
import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sampo.accounts.access import require_admin
from sampo.accounts.models import Role, TwoFactorDevice, TwoFactorPolicy, User
from sampo.core import history
from sampo.core.audit import audit_record

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
_STEP_SECONDS = 30
# Codes of the step before and after now are accepted too: phone clocks drift.
_DRIFT_STEPS = 1


class TwoFactorLockedError(Exception):
    """Too many wrong codes in a row: no code is taken until the cool-off time has passed."""


# --- Policy ---------------------------------------------------------------------------------


def policy() -> TwoFactorPolicy:
    found, _created = TwoFactorPolicy.objects.get_or_create(pk=1)
    return found


def is_required_for(user: User) -> bool:
    current = policy()
    return current.everyone or current.roles.filter(pk=user.role_id).exists()


def policy_update(*, actor: User, everyone: bool, roles: list[Role]) -> TwoFactorPolicy:
    require_admin(actor)
    with transaction.atomic():
        current = TwoFactorPolicy.objects.select_for_update().get(pk=policy().pk)
        before = {
            "everyone": current.everyone,
            "roles": sorted(r.code for r in current.roles.all()),
        }
        current.everyone = everyone
        current.save(update_fields=["everyone"])
        current.roles.set(roles)
        after = {"everyone": everyone, "roles": sorted(r.code for r in roles)}
        if before != after:
            audit_record(
                "two_factor_policy_changed",
                actor=actor,
                details={"before": before, "after": after},
            )
    return current


# --- Devices and codes ----------------------------------------------------------------------


def confirmed_device(user: User) -> TwoFactorDevice | None:
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def pending_device(user: User) -> TwoFactorDevice | None:
    return TwoFactorDevice.objects.filter(user=user, confirmed_at__isnull=True).first()


def _totp(device: TwoFactorDevice) -> pyotp.TOTP:
    return pyotp.TOTP(device.secret, interval=_STEP_SECONDS)


def provisioning_uri(device: TwoFactorDevice) -> str:
    return _totp(device).provisioning_uri(
        name=device.user.email, issuer_name=settings.TWO_FACTOR_ISSUER
    )


def qr_svg(device: TwoFactorDevice) -> str:
    """The QR code of the device's secret as an inline SVG element (no script, no style)."""
    qr = segno.make(provisioning_uri(device), error="m")
    return str(qr.svg_inline(scale=5, dark="#000", light="#fff", svgclass="qr-code", omitsize=True))


def grouped_secret(device: TwoFactorDevice) -> str:
    """The secret in groups of four, easier to type by hand into an app."""
    return " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4))


def _step(now: datetime.datetime | None = None) -> int:
    return int((now or timezone.now()).timestamp()) // _STEP_SECONDS


def _matching_step(device: TwoFactorDevice, code: str) -> int | None:
    """The time step whose code `code` is, if it is newer than the last one accepted."""
    totp = _totp(device)
    current = _step()
    for step in range(current - _DRIFT_STEPS, current + _DRIFT_STEPS + 1):
        if step > device.last_used_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _digits(code: str) -> str:
    return "".join(code.split())


def _normalized_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _hash(code: str) -> str:
    # Recovery codes are random (50 bits), so a plain hash is enough to keep them unreadable.
    return hashlib.sha256(_normalized_recovery_code(code).encode()).hexdigest()


def _new_recovery_codes() -> list[str]:
    codes = []
    for _i in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _j in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def _use_totp(device: TwoFactorDevice, code: str) -> bool:
    """Accept a code from the app once: the step is moved on in the database only if no other
    request took this step meanwhile."""
    step = _matching_step(device, _digits(code))
    if step is None:
        return False
    taken = TwoFactorDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(
        last_used_step=step, failures=0
    )
    device.last_used_step = step
    return bool(taken)


def _use_recovery_code(device: TwoFactorDevice, code: str) -> bool:
    with transaction.atomic():
        locked = TwoFactorDevice.objects.select_for_update().get(pk=device.pk)
        hashed = _hash(code)
        if hashed not in locked.recovery_code_hashes:
            return False
        locked.recovery_code_hashes = [h for h in locked.recovery_code_hashes if h != hashed]
        locked.failures = 0
        locked.save(update_fields=["recovery_code_hashes", "failures"])
    device.recovery_code_hashes = locked.recovery_code_hashes
    return True


def _use_code(device: TwoFactorDevice, code: str, *, recovery: bool = True) -> str | None:
    """ "totp" or "recovery" if the code is good (and now used up), None if not."""
    if _digits(code).isdigit() and len(_digits(code)) == 6:
        return "totp" if _use_totp(device, code) else None
    if recovery and _use_recovery_code(device, code):
        return "recovery"
    return None


def _wrong_code() -> ValidationError:
    return ValidationError(
        {"code": _("That code is not right, or it was used already. Try the next one.")}
    )


# --- Enrolment, recovery codes, turning off -------------------------------------------------


def enrolment_start(*, user: User) -> TwoFactorDevice:
    """A device with a new secret for the user to add to their app (kept while unconfirmed,
    so that reloading the page shows the same QR code)."""
    if confirmed_device(user) is not None:
        raise ValidationError(_("Two-factor login is already on."))
    device, _created = TwoFactorDevice.objects.get_or_create(
        user=user, defaults={"secret": pyotp.random_base32(32)}
    )
    return device


def enrolment_confirm(*, user: User, code: str) -> list[str]:
    """Turn two-factor login on with a first code from the app; the recovery codes returned
    are shown once and never again."""
    device = pending_device(user)
    if device is None:
        raise ValidationError(_("Start the set-up again: it was finished or cancelled."))
    step = _matching_step(device, _digits(code))
    if step is None:
        raise _wrong_code()
    codes = _new_recovery_codes()
    with transaction.atomic():
        device.confirmed_at = timezone.now()
        device.last_used_step = step
        device.recovery_code_hashes = [_hash(c) for c in codes]
        device.save(update_fields=["confirmed_at", "last_used_step", "recovery_code_hashes"])
        history.record_event(user, actor=user, event="two_factor_enabled")
        audit_record("two_factor_enabled", actor=user, target=user)
    return codes


def recovery_codes_regenerate(*, user: User, code: str) -> list[str]:
    """New recovery codes for a code from the app; the old ones stop working."""
    device = confirmed_device(user)
    if device is None:
        raise ValidationError(_("Two-factor login is off."))
    if _use_code(device, code, recovery=False) is None:
        raise _wrong_code()
    codes = _new_recovery_codes()
    with transaction.atomic():
        device.recovery_code_hashes = [_hash(c) for c in codes]
        device.save(update_fields=["recovery_code_hashes"])
        audit_record("recovery_codes_regenerated", actor=user, target=user)
    return codes


def two_factor_disable(*, user: User, password: str, code: str) -> None:
    """The user turns it off, with their password and a code (or a recovery code)."""
    device = confirmed_device(user)
    if device is None:
        raise ValidationError(_("Two-factor login is off."))
    if is_required_for(user):
        raise ValidationError(_("Your organization requires two-factor login for your role."))
    if not user.check_password(password):
        raise ValidationError({"password": _("The password is not right.")})
    if _use_code(device, code) is None:
        raise _wrong_code()
    with transaction.atomic():
        device.delete()
        history.record_event(user, actor=user, event="two_factor_disabled")
        audit_record("two_factor_disabled", actor=user, target=user)


def two_factor_reset(*, actor: User, user: User) -> None:
    """An admin removes a user's device (a lost phone): they log in with the password alone,
    and set it up again (at once, if their role requires it)."""
    require_admin(actor)
    with transaction.atomic():
        deleted, _rows = TwoFactorDevice.objects.filter(user=user).delete()
        if not deleted:
            raise ValidationError(_("%(name)s has no two-factor login.") % {"name": user.name})
        history.record_event(user, actor=actor, event="two_factor_reset")
        audit_record("two_factor_reset", actor=actor, target=user)


# --- Login ----------------------------------------------------------------------------------


def _locked_until(device: TwoFactorDevice) -> datetime.datetime | None:
    if device.failures < settings.TWO_FACTOR_FAILURE_LIMIT or device.last_failure_at is None:
        return None
    until = device.last_failure_at + datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    return until if until > timezone.now() else None


def login_code_check(*, user: User, code: str) -> str:
    """The second step of a login: "totp" or "recovery" when the code is good. A wrong code
    counts towards the throttle and is audited; raises ValidationError, or
    TwoFactorLockedError while throttled."""
    device = confirmed_device(user)
    if device is None:  # reset by an admin meanwhile: the password alone was enough
        return "none"
    if _locked_until(device) is not None:
        audit_record("login_failed", actor=user, details={"reason": "code_locked_out"}, target=user)
        raise TwoFactorLockedError
    method = _use_code(device, code)
    if method is None:
        # Past the limit here means the cool-off is over: a new series starts.
        over = device.failures >= settings.TWO_FACTOR_FAILURE_LIMIT
        TwoFactorDevice.objects.filter(pk=device.pk).update(
            failures=1 if over else F("failures") + 1, last_failure_at=timezone.now()
        )
        audit_record("login_failed", actor=user, details={"reason": "wrong_code"}, target=user)
        raise _wrong_code()
    return method


def status(user: User) -> dict[str, Any]:
    device = confirmed_device(user)
    return {
        "enabled": device is not None,
        "confirmed_at": device.confirmed_at if device else None,
        "recovery_codes_left": len(device.recovery_code_hashes) if device else 0,
        "required": is_required_for(user),
    }
