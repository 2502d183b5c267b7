"""Sharing a record with a colleague or a team beyond their role's reach. Whoever may change
the record shares it and takes the share back; each is in the record's history."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sampo.accounts import rights
from sampo.accounts.models import RecordShare, Team, User
from sampo.core import history
from sampo.core.audit import audit_record
from sampo.notifications.services import notify


def shares_of(record: models.Model) -> QuerySet[RecordShare]:
    return RecordShare.objects.filter(
        content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
    ).select_related("user", "team", "shared_by")


def record_share(
    *,
    actor: User,
    record: models.Model,
    user: User | None = None,
    team: Team | None = None,
    can_edit: bool = False,
) -> RecordShare:
    if not rights.allows(actor, record, rights.Action.EDIT):
        raise PermissionDenied
    if (user is None) == (team is None):
        raise ValidationError(_("Choose a colleague or a team."))
    if user is not None and not user.is_active:
        raise ValidationError({"user": _("A deactivated user cannot be given access.")})
    try:
        with transaction.atomic():
            share = RecordShare.objects.create(
                content_type=ContentType.objects.get_for_model(type(record)),
                object_id=record.pk,
                user=user,
                team=team,
                can_edit=can_edit,
                shared_by=actor,
            )
            history.record_event(
                record, actor=actor, event="shared", changes=[_change(share, added=True)]
            )
            audit_record(
                "record_shared",
                actor=actor,
                target=record,
                details={"with": str(user or team), "can_edit": can_edit},
            )
            if user is not None:
                notify(
                    recipient=user,
                    kind="shared",
                    text=gettext_lazy("%(name)s shared %(record)s with you."),
                    params={"name": actor.name, "record": str(record)},
                    url=record.get_absolute_url(),  # type: ignore[attr-defined]
                    actor=actor,
                )
    except IntegrityError:
        raise ValidationError(_("It is shared with them already.")) from None
    return share


def record_unshare(*, actor: User, share: RecordShare) -> None:
    record = share.content_type.get_object_for_this_type(pk=share.object_id)
    if not rights.allows(actor, record, rights.Action.EDIT):
        raise PermissionDenied
    with transaction.atomic():
        history.record_event(
            record, actor=actor, event="unshared", changes=[_change(share, added=False)]
        )
        audit_record(
            "record_unshared",
            actor=actor,
            target=record,
            details={"with": str(share.user or share.team)},
        )
        share.delete()


def _change(share: RecordShare, *, added: bool) -> dict[str, object]:
    label = str(share.user or share.team)
    return {
        "field": "shared_with",
        "old": None if added else label,
        "new": label if added else None,
        "old_label": "" if added else label,
        "new_label": label if added else "",
    }
