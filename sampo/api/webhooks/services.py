"""Writes on webhooks: admins' subscriptions, and the events the rest of Sampo emits. An event
and its deliveries are written in the transaction of the change it tells about (an outbox), so
a committed change always has its event and a rolled-back one never does; the worker is told
after the commit, and the retry job finds anything the queue lost."""

from __future__ import annotations

import datetime
import hashlib
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.tasks import async_task

from sampo.accounts.access import require_admin
from sampo.accounts.models import User
from sampo.api.representations import represent
from sampo.api.webhooks import ssrf
from sampo.api.webhooks.models import (
    EVENT_TYPES,
    TEST_EVENT,
    Delivery,
    DueActivity,
    Event,
    Subscription,
)
from sampo.api.webhooks.signing import new_secret
from sampo.core import history
from sampo.core.audit import audit_record

DELIVER_TASK = "sampo.api.webhooks.tasks.deliver"
WANTED_KEY = "sampo:webhooks:wanted-event-types"

# History's models, by label, as webhook record types.
RECORD_TYPES = {
    "contacts.organization": "organization",
    "contacts.person": "person",
    "activities.activity": "activity",
    "sales.opportunity": "opportunity",
}
_CREATED = frozenset({"created", "import_created"})


# --- Which events are wanted ------------------------------------------------------------------


def _per_process_cache() -> bool:
    return "locmem" in settings.CACHES["default"]["BACKEND"].lower()


def _stamp_path() -> Path:
    # One per database: the processes of one installation share it, test databases do not.
    name = hashlib.sha256(str(connection.settings_dict["NAME"]).encode()).hexdigest()[:16]
    return Path(settings.DATA_DIR) / f"webhooks-changed-{name}"


def _stamp() -> int:
    """Without Redis each process has its own cache: a changed subscription is told to the
    others by the time of this file (one stat, no query)."""
    if not _per_process_cache():
        return 0
    try:
        return _stamp_path().stat().st_mtime_ns
    except FileNotFoundError:
        return 0


def wanted_event_types() -> frozenset[str]:
    """The event types some active subscription wants: one cache read on every write."""
    cached = cache.get(WANTED_KEY)
    stamp = _stamp()
    if cached is None or cached[0] != stamp:
        rows = Subscription.objects.filter(is_active=True).values_list("event_types", flat=True)
        cached = (stamp, sorted({t for types in rows for t in types}))
        cache.set(WANTED_KEY, cached, timeout=None)
    return frozenset(cached[1])


def _changed() -> None:
    cache.delete(WANTED_KEY)
    if _per_process_cache():
        path = _stamp_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(str(time.time_ns()))
        os.utime(path, ns=(time.time_ns(), time.time_ns()))


def _forget_wanted() -> None:
    _changed()
    transaction.on_commit(_changed)


def _new_value(changes: list[dict[str, Any]], field: str) -> Any:
    return next((c["new"] for c in changes if c.get("field") == field), None)


def event_types_for(record_type: str, code: str, changes: list[dict[str, Any]]) -> list[str]:
    """A history entry as webhook event types: created, deleted, or else updated, plus the
    named outcomes an update can carry (a stage move, won, lost, an activity done)."""
    if code in _CREATED:
        return [f"{record_type}.created"]
    if code == "deleted":
        return [f"{record_type}.deleted"]
    types = [f"{record_type}.updated"]  # changed, restored, merged, shared, handed over, ...
    changed = {c.get("field") for c in changes}
    if record_type == "opportunity":
        if "stage" in changed:
            types.append("opportunity.stage_changed")
        status = _new_value(changes, "status")
        if status in ("won", "lost"):
            types.append(f"opportunity.{status}")
    if record_type == "activity" and _new_value(changes, "status") == "done":
        types.append("activity.completed")
    return types


def on_record_event(instance: models.Model, code: str, entry: Any) -> None:
    """core.record_events listener: in the transaction of the change."""
    record_type = RECORD_TYPES.get(instance._meta.label_lower)
    if record_type is None:
        return
    wanted = wanted_event_types()
    if not wanted:
        return
    types = [t for t in event_types_for(record_type, code, entry.changes or []) if t in wanted]
    if not types:
        return
    data = {**represent(instance), "id": instance.pk}
    for event_type in types:
        event_emit(event_type=event_type, data=data)


# --- Events and deliveries --------------------------------------------------------------------


def _enqueue(delivery_ids: list[int]) -> None:
    def send() -> None:
        for pk in delivery_ids:
            async_task(DELIVER_TASK, pk)

    transaction.on_commit(send)


def event_emit(
    *,
    event_type: str,
    data: dict[str, Any],
    occurred_at: datetime.datetime | None = None,
    only: Subscription | None = None,
) -> Event | None:
    """The event and one delivery per active subscription that wants it (or only `only`);
    nothing at all when nobody does."""
    if only is not None:
        subscriptions = [only]
    else:
        active = Subscription.objects.filter(is_active=True).only("pk", "event_types")
        subscriptions = [s for s in active if event_type in s.event_types]
    if not subscriptions:
        return None
    occurred_at = occurred_at or timezone.now()
    with transaction.atomic():
        event = Event(type=event_type, occurred_at=occurred_at)
        event.payload = {
            "id": str(event.id),
            "type": event_type,
            "occurred_at": occurred_at.isoformat(),
            "data": data,
        }
        event.save(force_insert=True)
        deliveries = Delivery.objects.bulk_create(
            [Delivery(event=event, subscription=s) for s in subscriptions]
        )
        _enqueue([d.pk for d in deliveries])
    return event


def activities_due_emit(*, now: datetime.datetime | None = None) -> int:
    """ "activity.due" once for each planned activity whose due time has passed since the last
    day (or since the subscription began). Idempotent: DueActivity remembers each (activity,
    due time), so a rescheduled activity falls due again at its new time."""
    if "activity.due" not in wanted_event_types():
        return 0
    from sampo.activities.models import Activity

    now = now or timezone.now()
    wanting = [
        s.created_at
        for s in Subscription.objects.filter(is_active=True).only("created_at", "event_types")
        if "activity.due" in s.event_types
    ]
    if not wanting:
        return 0
    since = max(now - datetime.timedelta(days=1), min(wanting))
    emitted = DueActivity.objects.filter(
        activity_id=models.OuterRef("pk"), due_at=models.OuterRef("when")
    )
    due = Activity.objects.filter(
        status=Activity.Status.PLANNED, when__lte=now, when__gt=since
    ).exclude(models.Exists(emitted))
    count = 0
    for activity in due.order_by("when", "id").iterator():
        try:
            with transaction.atomic():
                DueActivity.objects.create(activity_id=activity.pk, due_at=activity.when)
                data = {**represent(activity), "id": activity.pk}
                event_emit(event_type="activity.due", data=data, occurred_at=activity.when)
        except IntegrityError:
            continue  # another run emitted it
        count += 1
    return count


# --- Subscriptions ----------------------------------------------------------------------------


def _clean(*, name: str, url: str, event_types: list[str]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    url = url.strip()
    try:
        ssrf.resolve(url)
    except ssrf.UnsafeURLError as error:
        errors["url"] = str(error)
    unknown = [t for t in event_types if t not in EVENT_TYPES]
    if unknown or not event_types:
        errors["event_types"] = _("Choose at least one event.")
    if not name.strip():
        errors["name"] = _("Give the webhook a name.")
    if errors:
        raise ValidationError(errors)
    ordered = [t for t in EVENT_TYPES if t in event_types]
    return {"name": name.strip(), "url": url, "event_types": ordered}


def subscription_create(
    *, actor: User, name: str, url: str, event_types: list[str]
) -> Subscription:
    require_admin(actor)
    values = _clean(name=name, url=url, event_types=event_types)
    with transaction.atomic():
        subscription = Subscription.objects.create(**values, secret=new_secret(), created_by=actor)
        history.record_created(subscription, actor=actor)
        audit_record("webhook_created", actor=actor, target=subscription, details=values)
        _forget_wanted()
    return subscription


def subscription_update(
    *,
    actor: User,
    subscription: Subscription,
    name: str,
    url: str,
    event_types: list[str],
    expected_version: int | None,
) -> Subscription:
    from sampo.core.records import StaleEditError

    require_admin(actor)
    values = _clean(name=name, url=url, event_types=event_types)
    with transaction.atomic():
        current = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if expected_version is not None and current.version != expected_version:
            raise StaleEditError(current.version)
        before = history.snapshot(current)
        for field, value in values.items():
            setattr(current, field, value)
        current.version += 1
        current.save(update_fields=[*values, "version", "updated_at"])
        history.record_changed(current, actor=actor, before=before)
        audit_record("webhook_changed", actor=actor, target=current, details=values)
        _forget_wanted()
    return current


def _set_active(subscription: Subscription, *, actor: User | None, active: bool) -> None:
    before = history.snapshot(subscription)
    subscription.is_active = active
    subscription.version += 1
    fields = ["is_active", "version", "updated_at"]
    if active:
        subscription.consecutive_failures = 0
        subscription.disabled_at = None
        subscription.disabled_reason = ""
        fields += ["consecutive_failures", "disabled_at", "disabled_reason"]
    subscription.save(update_fields=fields)
    history.record_changed(subscription, actor=actor, before=before)
    _forget_wanted()


def subscription_disable(*, actor: User, subscription: Subscription) -> Subscription:
    require_admin(actor)
    with transaction.atomic():
        current = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if current.is_active:
            current.disabled_at = timezone.now()
            current.disabled_reason = ""
            current.save(update_fields=["disabled_at", "disabled_reason"])
            _set_active(current, actor=actor, active=False)
    return current


def subscription_enable(*, actor: User, subscription: Subscription) -> Subscription:
    """On again: deliveries that were waiting are retried by the next run of the retry job."""
    require_admin(actor)
    with transaction.atomic():
        current = Subscription.objects.select_for_update().get(pk=subscription.pk)
        if not current.is_active:
            _set_active(current, actor=actor, active=True)
            current.deliveries.filter(status=Delivery.Status.RETRYING).update(
                next_attempt_at=timezone.now()
            )
    return current


def subscription_delete(*, actor: User, subscription: Subscription) -> None:
    """Gone with its delivery log; events other subscriptions received stay."""
    require_admin(actor)
    with transaction.atomic():
        history.record_deleted(subscription, actor=actor)
        audit_record(
            "webhook_deleted", actor=actor, target=subscription, details={"url": subscription.url}
        )
        subscription.delete()
        _forget_wanted()


def subscription_reveal_secret(*, actor: User, subscription: Subscription) -> str:
    require_admin(actor)
    audit_record("webhook_secret_revealed", actor=actor, target=subscription)
    return subscription.secret


def subscription_rotate_secret(*, actor: User, subscription: Subscription) -> str:
    """A new secret at once: the receiver must be given it, or it will refuse what follows."""
    require_admin(actor)
    with transaction.atomic():
        secret = new_secret()
        Subscription.objects.filter(pk=subscription.pk).update(
            secret=secret, updated_at=timezone.now()
        )
        audit_record("webhook_secret_rotated", actor=actor, target=subscription)
    subscription.secret = secret
    return secret


def subscription_send_test(*, actor: User, subscription: Subscription) -> Event:
    """A "webhook.test" event to this subscription only, active or not, to try the receiver."""
    require_admin(actor)
    data = {
        "subscription": subscription.name,
        "message": "This is a test event from Sampo.",
        "sent_by": actor.email,
    }
    event = event_emit(event_type=TEST_EVENT, data=data, only=subscription)
    if event is None:  # pragma: no cover (`only` always gets its event)
        raise RuntimeError("no test event")
    return event


def admins() -> models.QuerySet[User]:
    from sampo.accounts.models import Role

    return User.objects.filter(Q(is_superuser=True) | Q(role__code=Role.ADMIN), is_active=True)
