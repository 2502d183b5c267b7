"""Reads of handover requests: the ones a user may answer, the ones they asked, a record's."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from sampo.accounts.models import User
from sampo.contacts.handovers import services
from sampo.contacts.handovers.models import HandoverRequest
from sampo.contacts.models import Organization, Person

SHOWN = 100


def _pending() -> QuerySet[HandoverRequest]:
    return HandoverRequest.objects.filter(status=HandoverRequest.Status.PENDING).select_related(
        "requested_by", "owner", "content_type"
    )


def incoming_requests(*, user: User) -> list[HandoverRequest]:
    """Pending requests for customers the user owns, or owned by their team (a leader), or
    any (an admin); each checked against the record's current owner before it is shown."""
    rows = _pending()
    if not user.is_admin:
        team_members = User.teams.through.objects.filter(
            team__leader=user, team__deleted_at__isnull=True
        ).values("user_id")
        rows = rows.filter(Q(owner=user) | Q(owner_id__in=team_members))
    shown = []
    for request in rows.prefetch_related("record").order_by("created_at", "id")[:SHOWN]:
        record = request.record
        if record is not None and services.can_decide(user, record):
            shown.append(request)
    return shown


def outgoing_requests(*, user: User) -> QuerySet[HandoverRequest]:
    return (
        HandoverRequest.objects.filter(requested_by=user)
        .select_related("owner", "decided_by", "content_type")
        .order_by("-created_at", "-id")[:SHOWN]
    )


def record_handover(*, user: User, record: Organization | Person) -> dict[str, object]:
    """What the record page shows: whether the user may ask for it, their own pending
    request, and the pending requests they may answer."""
    pending = list(
        _pending().filter(
            content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk
        )
    )
    decides = services.can_decide(user, record)
    return {
        "can_request": services.can_request(user, record),
        "mine": next((r for r in pending if r.requested_by_id == user.pk), None),
        "to_answer": pending if decides else [],
    }
