"""What each role may do with each record type: the one place visibility and change rights
are decided. Selectors filter with `rows_q` (reads in SQL, never row by row), access helpers
and services ask `allows` for one record.

A domain registers each record type it owns with the defaults of the system roles
(`register_record_type`); an admin overrides them per role in the product's admin pages
(`RoleRight` rows). A scope is none, own (the records the user owns, or is assigned), the
team's (also those of anyone in a team the user belongs to or leads, and those given to one
of those teams), or all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.functional import Promise

from sampo.accounts.models import RecordShare, Role, RoleRight, Team, User

Action = RoleRight.Action
Scope = RoleRight.Scope


@dataclass(frozen=True)
class RecordType:
    key: str  # "app_label.model"
    label: str | Promise
    order: int
    defaults: dict[str, dict[str, str]]  # role code -> action -> scope
    owner_field: str = "owner"
    team_field: str | None = None  # a record given to a team (an opportunity's team)
    also_own: tuple[str, ...] = ()  # other user fields that make a record one's own
    actions: tuple[str, ...] = field(default=tuple(Action.values))


RECORD_TYPES: dict[str, RecordType] = {}


def register_record_type(
    *,
    key: str,
    label: str | Promise,
    defaults: dict[str, dict[str, str]],
    order: int = 100,
    owner_field: str = "owner",
    team_field: str | None = None,
    also_own: tuple[str, ...] = (),
) -> None:
    RECORD_TYPES[key] = RecordType(key, label, order, defaults, owner_field, team_field, also_own)


def key_of(model: type[models.Model] | models.Model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


# --- Scopes -----------------------------------------------------------------------------------


def _role_rights(user: User) -> dict[tuple[str, str], str]:
    """The role's own rows, read once per user object (a request's user lives for one request)."""
    cached = getattr(user, "_role_rights", None)
    if cached is None:
        rows = RoleRight.objects.filter(role_id=user.role_id).values_list(
            "record_type", "action", "scope"
        )
        cached = {(record_type, action): scope for record_type, action, scope in rows}
        user._role_rights = cached  # type: ignore[attr-defined]
    return cached


def default_scope(role_code: str, record_type: RecordType, action: str) -> str:
    return record_type.defaults.get(role_code, {}).get(action, Scope.NONE)


def scope(user: User, key: str, action: str) -> str:
    if not user.is_authenticated or not user.is_active:
        return Scope.NONE
    if user.is_superuser:
        return Scope.ALL
    record_type = RECORD_TYPES[key]
    given = _role_rights(user).get((key, action))
    return given or default_scope(user.role.code, record_type, action)


def may(user: User, key: str, action: str) -> bool:
    """Whether the user may take the action on any record of the type (create: at all)."""
    return scope(user, key, action) != Scope.NONE


# --- Teams ------------------------------------------------------------------------------------


def team_ids(user: User) -> set[int]:
    cached = getattr(user, "_team_ids", None)
    if cached is None:
        cached = set(
            Team.objects.filter(
                Q(members=user) | Q(leader=user), deleted_at__isnull=True
            ).values_list("pk", flat=True)
        )
        user._team_ids = cached  # type: ignore[attr-defined]
    return cached


def teammate_ids(user: User) -> set[int]:
    """Everyone in a team the user belongs to or leads, leaders included, and the user."""
    cached = getattr(user, "_teammate_ids", None)
    if cached is None:
        teams = team_ids(user)
        members = User.teams.through.objects.filter(team_id__in=teams).values_list(
            "user_id", flat=True
        )
        leaders = Team.objects.filter(pk__in=teams).values_list("leader_id", flat=True)
        cached = {user.pk, *members, *(pk for pk in leaders if pk)}
        user._teammate_ids = cached  # type: ignore[attr-defined]
    return cached


# --- Rows and records -------------------------------------------------------------------------


# Sharing reaches reading and changing; creating and deleting stay with the role.
SHAREABLE = {Action.READ, Action.EDIT}


def rows_q(user: User, key: str, action: str = Action.READ) -> Q:
    """The records the user may take the action on, as a condition for any query on them:
    those their role's scope reaches, and those shared with them or one of their teams."""
    scoped = _scope_q(user, key, action)
    if scope(user, key, action) == Scope.ALL or action not in SHAREABLE or not user.is_active:
        return scoped  # (an empty Q() combined with another would narrow to the other)
    return scoped | Q(pk__in=_shares(user, key, action).values("object_id"))


def _scope_q(user: User, key: str, action: str) -> Q:
    given = scope(user, key, action)
    record_type = RECORD_TYPES[key]
    if given == Scope.ALL:
        return Q()
    if given == Scope.NONE:
        return Q(pk__in=[])
    own = Q()
    for name in (record_type.owner_field, *record_type.also_own):
        own |= Q(**{f"{name}_id": user.pk})
    if given == Scope.OWN:
        return own
    # Subqueries, not id lists: the condition costs the query it is part of no extra query.
    teams = _teams_of(user)
    owner = record_type.owner_field
    members = User.teams.through.objects.filter(team_id__in=teams).values("user_id")
    leaders = Team.objects.filter(pk__in=teams).values("leader_id")
    team = own | Q(**{f"{owner}_id__in": members}) | Q(**{f"{owner}_id__in": leaders})
    if record_type.team_field:
        team |= Q(**{f"{record_type.team_field}_id__in": teams})
    return team


def _teams_of(user: User) -> models.QuerySet[Team, Any]:
    """The teams the user belongs to or leads, as a subquery."""
    return Team.objects.filter(Q(members=user) | Q(leader=user), deleted_at__isnull=True).values(
        "pk"
    )


def _shares(user: User, key: str, action: str) -> models.QuerySet[RecordShare]:
    app_label, model = key.split(".")
    rows = RecordShare.objects.filter(
        Q(user=user) | Q(team_id__in=_teams_of(user)),
        content_type=ContentType.objects.get_by_natural_key(app_label, model),
    )
    return rows.filter(can_edit=True) if action == Action.EDIT else rows


def allows(user: User, record: models.Model, action: str) -> bool:
    """Whether the user may take the action on this record, decided like `rows_q`."""
    if _scope_allows(user, record, action):
        return True
    key = key_of(record)
    return (
        action in SHAREABLE
        and user.is_active
        and _shares(user, key, action).filter(object_id=record.pk).exists()
    )


def _scope_allows(user: User, record: models.Model, action: str) -> bool:
    key = key_of(record)
    given = scope(user, key, action)
    if given in (Scope.ALL, Scope.NONE):
        return given == Scope.ALL
    record_type = RECORD_TYPES[key]
    owner_fields = (record_type.owner_field, *record_type.also_own)
    owners = [getattr(record, f"{name}_id") for name in owner_fields]
    if user.pk in owners:
        return True
    if given == Scope.OWN:
        return False
    if getattr(record, f"{record_type.owner_field}_id") in teammate_ids(user):
        return True
    team_id = getattr(record, f"{record_type.team_field}_id") if record_type.team_field else None
    return team_id is not None and team_id in team_ids(user)


# --- Editing the rights -----------------------------------------------------------------------


def rights_table(role: Role) -> list[dict[str, Any]]:
    """Each record type with the role's scope per action, for the admin page."""
    given = {(r.record_type, r.action): r.scope for r in RoleRight.objects.filter(role=role)}
    return [
        {
            "type": record_type,
            "scopes": [
                (
                    action,
                    given.get((record_type.key, action))
                    or default_scope(role.code, record_type, action),
                )
                for action in record_type.actions
            ],
        }
        for record_type in sorted(RECORD_TYPES.values(), key=lambda t: t.order)
    ]
