"""Writes on roles and their rights, by admins only; each change is in the role's history."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sampo.accounts import rights
from sampo.accounts.access import require_admin
from sampo.accounts.models import Role, RoleRight, User
from sampo.core import history, named_types
from sampo.core.audit import audit_record


def role_create(*, actor: User, name: str, like: Role | None = None) -> Role:
    """A new role, starting with the rights of `like` (or with none)."""
    require_admin(actor)
    name = named_types.clean_name(name, max_length=100)
    if Role.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": _("A role with this name exists already.")})
    with transaction.atomic():
        role = Role.objects.create(
            code=named_types.unique_code(Role, name),
            name=name,
            position=named_types.next_position(Role),
        )
        if like is not None:
            RoleRight.objects.bulk_create(
                RoleRight(role=role, record_type=row["type"].key, action=action, scope=scope)
                for row in rights.rights_table(like)
                for action, scope in row["scopes"]
            )
        history.record_created(role, actor=actor)
        audit_record(
            "role_created", actor=actor, target=role, details={"like": like.code if like else ""}
        )
    return role


def role_rights_set(*, actor: User, role: Role, scopes: dict[tuple[str, str], str]) -> int:
    """Sets the role's scope per (record type, action); returns how many changed. The admin
    role keeps every right, so that someone can always put things right."""
    require_admin(actor)
    if role.code == Role.ADMIN:
        raise ValidationError(_("The admin role always has every right."))
    valid = {(t.key, a) for t in rights.RECORD_TYPES.values() for a in t.actions}
    if set(scopes) - valid or set(scopes.values()) - set(rights.Scope.values):
        raise ValidationError(_("Unknown record type, action or scope."))
    current = {
        (t["type"].key, action): scope
        for t in rights.rights_table(role)
        for action, scope in t["scopes"]
    }
    changes = [
        {
            "field": f"{rights.RECORD_TYPES[key].label}: {action}",
            "old": current[(key, action)],
            "new": scope,
            "old_label": str(rights.Scope(current[(key, action)]).label),
            "new_label": str(rights.Scope(scope).label),
        }
        for (key, action), scope in sorted(scopes.items())
        if current[(key, action)] != scope
    ]
    with transaction.atomic():
        for (key, action), scope in scopes.items():
            RoleRight.objects.update_or_create(
                role=role, record_type=key, action=action, defaults={"scope": scope}
            )
        if changes:
            history.record_event(role, actor=actor, event="rights_changed", changes=changes)
            audit_record(
                "rights_changed",
                actor=actor,
                target=role,
                details={c["field"]: [c["old"], c["new"]] for c in changes},
            )
    return len(changes)
