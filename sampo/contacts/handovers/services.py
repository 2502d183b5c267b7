"""Handover requests: a seller asks for a customer a colleague owns; the owner, their team
leader or an admin accepts (the record changes hands) or declines. Either way the record's
history says so, and the other side is notified."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sampo.accounts.models import User
from sampo.contacts import access
from sampo.contacts.handovers.models import HandoverRequest
from sampo.contacts.models import Organization, Person
from sampo.core import history, records
from sampo.notifications.services import notify

Record = Organization | Person


def can_request(user: User, record: Record) -> bool:
    """Whoever may hold customers but may not change this one: a colleague's customer."""
    return access.can_create(user) and not access.can_edit(user, record)


def can_decide(user: User, record: Record) -> bool:
    """The owner, the leader of the owner's team, or an admin."""
    return access.can_edit(user, record)


def _deciders(owner: User) -> list[User]:
    leaders = User.objects.filter(
        led_teams__members=owner, led_teams__deleted_at__isnull=True, is_active=True
    ).distinct()
    return [owner, *(u for u in leaders if u.pk != owner.pk)]


def handover_request(*, actor: User, record: Record, reason: str) -> HandoverRequest:
    if not can_request(actor, record):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you would take over this customer.")})
    try:
        with transaction.atomic():
            request = HandoverRequest.objects.create(
                content_type=ContentType.objects.get_for_model(type(record)),
                object_id=record.pk,
                record_label=str(record)[:300],
                requested_by=actor,
                owner=record.owner,
                reason=reason.strip(),
            )
    except IntegrityError:
        raise ValidationError(_("You have already asked for this customer.")) from None
    with transaction.atomic():
        history.record_event(
            record,
            actor=actor,
            event="handover_requested",
            changes=[_change("reason", "", request.reason)],
        )
        for decider in _deciders(record.owner):
            notify(
                recipient=decider,
                kind="handover_requested",
                text=gettext_lazy("%(name)s asks to take over %(record)s"),
                params={"name": actor.name, "record": request.record_label},
                url=record.get_absolute_url(),
                actor=actor,
            )
    return request


def handover_accept(*, actor: User, request: HandoverRequest, answer: str = "") -> Record:
    """The requester becomes the owner; other pending requests for the record stay open."""
    with transaction.atomic():
        request, record = _lock_pending(actor, request)
        if not request.requested_by.is_active:
            raise ValidationError(_("The colleague who asked is no longer active."))
        record = records.record_update(
            record, actor=actor, values={"owner": request.requested_by}, expected_version=None
        )
        _decide(actor, request, HandoverRequest.Status.ACCEPTED, answer)
        history.record_event(
            record,
            actor=actor,
            event="handover_accepted",
            changes=[_change("answer", "", answer.strip())] if answer.strip() else [],
        )
        notify(
            recipient=request.requested_by,
            kind="handover_accepted",
            text=gettext_lazy("%(record)s is now yours: %(name)s accepted your request."),
            params={"name": actor.name, "record": request.record_label},
            url=record.get_absolute_url(),
            actor=actor,
        )
    return record


def handover_decline(*, actor: User, request: HandoverRequest, answer: str) -> None:
    if not answer.strip():
        raise ValidationError({"answer": _("Tell your colleague why.")})
    with transaction.atomic():
        request, record = _lock_pending(actor, request)
        _decide(actor, request, HandoverRequest.Status.DECLINED, answer)
        history.record_event(
            record,
            actor=actor,
            event="handover_declined",
            changes=[_change("answer", "", answer.strip())],
        )
        notify(
            recipient=request.requested_by,
            kind="handover_declined",
            text=gettext_lazy("%(name)s declined your request for %(record)s."),
            params={"name": actor.name, "record": request.record_label},
            url=record.get_absolute_url(),
            actor=actor,
        )


def handover_withdraw(*, actor: User, request: HandoverRequest) -> None:
    with transaction.atomic():
        locked = HandoverRequest.objects.select_for_update().get(pk=request.pk)
        if locked.requested_by_id != actor.pk:
            raise PermissionDenied
        if locked.status != HandoverRequest.Status.PENDING:
            raise ValidationError(_("This request has already been answered."))
        _decide(actor, locked, HandoverRequest.Status.WITHDRAWN, "")


def _lock_pending(actor: User, request: HandoverRequest) -> tuple[HandoverRequest, Record]:
    locked = HandoverRequest.objects.select_for_update().get(pk=request.pk)
    record = locked.record
    if record is None or record.is_deleted:
        raise ValidationError(_("The customer is no longer in the register."))
    if not can_decide(actor, record):
        raise PermissionDenied
    if locked.status != HandoverRequest.Status.PENDING:
        raise ValidationError(_("This request has already been answered."))
    return locked, record


def _decide(actor: User, request: HandoverRequest, status: str, answer: str) -> None:
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.answer = answer.strip()
    request.save(update_fields=["status", "decided_by", "decided_at", "answer"])


def _change(field: str, old: str, new: str) -> dict[str, str]:
    return {"field": field, "old": old, "new": new, "old_label": old, "new_label": new}
