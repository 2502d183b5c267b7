"""Every write on users and teams. Views and the command line call these; each checks who may
do it, runs in one transaction and leaves a history entry."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from sampo.accounts.access import require_admin
from sampo.accounts.models import Role, Team, User
from sampo.core import history, records
from sampo.core.audit import audit_record
from sampo.lib.mail import queue_email

PROFILE_FIELDS = frozenset(
    {"name", "phone", "language", "time_zone", "email_reminders", "email_digest"}
)


def _access_state(user: User) -> dict[str, Any]:
    """What decides what a user may see and do, for the audit log of changes to it."""
    return {
        "email": user.email,
        "role": user.role.code,
        "teams": sorted(team.name for team in user.teams.all()),
        "active": user.is_active,
    }


def _team_state(team: Team) -> dict[str, Any]:
    return {
        "leader": team.leader.email if team.leader else None,
        "members": sorted(member.email for member in team.members.all()),
    }


def _changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: {"old": before[k], "new": after[k]} for k in after if before.get(k) != after[k]}


def _email_taken(email: str, *, except_pk: int | None = None) -> bool:
    users = User.objects.filter(email__iexact=email)
    if except_pk is not None:
        users = users.exclude(pk=except_pk)
    return users.exists()


def _active_admins() -> int:
    return User.objects.filter(is_active=True, role__code=Role.ADMIN).count()


def user_create(
    *,
    actor: User | None,
    email: str,
    name: str,
    role: Role,
    teams: list[Team] | tuple[Team, ...] = (),
    language: str = settings.LANGUAGE_CODE,
    time_zone: str = settings.TIME_ZONE,
    phone: str = "",
    password: str | None = None,
    send_invitation: bool = True,
) -> User:
    """A new user. Without a password, they get an email with a link to choose one.

    `actor` is None only for the command line and the demo loader, which run as the operator.
    """
    if actor is not None:
        require_admin(actor)
    email = email.strip().lower()
    if _email_taken(email):
        raise ValidationError({"email": _("A user with this email already exists.")})
    with transaction.atomic():
        user = User(
            email=email,
            name=name.strip(),
            role=role,
            language=language,
            time_zone=time_zone,
            phone=phone.strip(),
        )
        user.set_password(password)  # None leaves an unusable password until they choose one
        user.full_clean(exclude=["password"])
        user.save()
        user.teams.set(teams)
        history.record_created(user, actor=actor)
        audit_record("user_created", actor=actor, target=user, details=_access_state(user))
        if send_invitation and password is None:
            _send_invitation(user, invited_by=actor)
            history.record_event(user, actor=actor, event="invited")
    return user


def password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


def _send_invitation(user: User, *, invited_by: User | None) -> None:
    queue_email(
        to=[user.email],
        subject_template="accounts/email/invitation_subject.txt",
        body_template="accounts/email/invitation.txt",
        context={"user": user, "invited_by": invited_by, "link": password_link(user)},
        language=user.language,
    )


def user_update(
    *, actor: User, user: User, values: dict[str, Any], expected_version: int | None
) -> User:
    """Admins change anything; everyone may change their own profile fields."""
    is_own_profile = actor.pk == user.pk and values.keys() <= PROFILE_FIELDS
    if not is_own_profile:
        require_admin(actor)
    if "email" in values:
        values["email"] = values["email"].strip().lower()
        if _email_taken(values["email"], except_pk=user.pk):
            raise ValidationError({"email": _("A user with this email already exists.")})
    new_role = values.get("role")
    if (
        new_role is not None
        and user.role.code == Role.ADMIN
        and new_role.code != Role.ADMIN
        and _active_admins() <= 1
    ):
        raise ValidationError({"role": _("Sampo needs at least one active admin.")})
    with transaction.atomic():
        before = _access_state(user)
        user = records.record_update(
            user, actor=actor, values=values, expected_version=expected_version
        )
        if changed := _changed(before, _access_state(user)):
            audit_record("user_changed", actor=actor, target=user, details=changed)
    return user


def user_deactivate(*, actor: User, user: User) -> User:
    """The user can no longer log in. Everything they own and did stays as it is."""
    require_admin(actor)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot deactivate yourself."))
    if user.role.code == Role.ADMIN and user.is_active and _active_admins() <= 1:
        raise ValidationError(_("Sampo needs at least one active admin."))
    return _set_active(actor=actor, user=user, active=False)


def user_reactivate(*, actor: User, user: User) -> User:
    require_admin(actor)
    return _set_active(actor=actor, user=user, active=True)


def _set_active(*, actor: User, user: User, active: bool) -> User:
    with transaction.atomic():
        changed = User.objects.filter(pk=user.pk, is_active=not active).update(
            is_active=active, version=F("version") + 1
        )
        if changed:
            user.refresh_from_db()
            event = "reactivated" if active else "deactivated"
            history.record_event(user, actor=actor, event=event)
            audit_record(f"user_{event}", actor=actor, target=user)
    return user


def user_set_language(*, user: User, language: str) -> None:
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Unknown language."))
    if user.language != language:
        records.record_update(
            user, actor=user, values={"language": language}, expected_version=None
        )


def user_note_password_changed(*, user: User) -> None:
    with transaction.atomic():
        history.record_event(user, actor=user, event="password_changed")
        audit_record("password_changed", actor=user, target=user)


def team_create(
    *,
    actor: User,
    name: str,
    description: str = "",
    leader: User | None = None,
    members: list[User] | tuple[User, ...] = (),
) -> Team:
    require_admin(actor)
    team = Team(name=name.strip(), description=description, leader=leader)
    with transaction.atomic():
        team = records.record_create(team, actor=actor, m2m={"members": list(members)})
        audit_record("team_created", actor=actor, target=team, details=_team_state(team))
    return team


def team_update(
    *, actor: User, team: Team, values: dict[str, Any], expected_version: int | None
) -> Team:
    require_admin(actor)
    with transaction.atomic():
        before = _team_state(team)
        team = records.record_update(
            team, actor=actor, values=values, expected_version=expected_version
        )
        if changed := _changed(before, _team_state(team)):
            audit_record("team_changed", actor=actor, target=team, details=changed)
    return team


def team_trash(*, actor: User, team: Team) -> Team:
    require_admin(actor)
    with transaction.atomic():
        team = records.record_trash(team, actor=actor)
        audit_record("team_deleted", actor=actor, target=team, details=_team_state(team))
    return team
