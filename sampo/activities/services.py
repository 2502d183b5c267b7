"""Every write on activities: log what happened, plan a follow-up, complete, reschedule,
cancel. History goes through core.records like every record."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from sampo.accounts.models import User
from sampo.activities import access
from sampo.activities.models import Activity, ActivityType
from sampo.contacts.models import Organization, Person
from sampo.core import records


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _due(day: datetime.date, time: datetime.time | None, assignee: User) -> dict[str, Any]:
    """`when`, `day` and `has_time` of a planned activity, in the assignee's time zone."""
    moment = datetime.datetime.combine(day, time or datetime.time.min, tzinfo=_zone(assignee))
    return {"when": moment, "day": day, "has_time": time is not None}


def _regarding(record: models.Model | None) -> dict[str, Any]:
    """The generic reference to what the activity is about (see regarding.py)."""
    if record is None:
        return {}
    content_type = ContentType.objects.get_for_model(record, for_concrete_model=False)
    return {"regarding_type": content_type, "regarding_id": record.pk}


def activity_log(
    *,
    actor: User,
    type: ActivityType,  # noqa: A002 (the field's name)
    subject: str,
    body: str = "",
    when: datetime.datetime | None = None,
    duration_minutes: int | None = None,
    outcome: str = "",
    organization: Organization | None = None,
    people: list[Person] | tuple[Person, ...] = (),
    regarding: models.Model | None = None,
) -> Activity:
    """Something that happened: a call made, a meeting held, a note taken."""
    access.require_log(actor)
    when = when or timezone.now()
    if when > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationError({"when": _("A logged activity cannot be in the future: plan it.")})
    activity = Activity(
        type=type,
        subject=subject.strip(),
        body=body,
        status=Activity.Status.DONE,
        when=when,
        day=timezone.localdate(when, _zone(actor)),
        has_time=True,
        duration_minutes=duration_minutes,
        outcome=outcome.strip(),
        assignee=actor,
        organization=organization,
        **_regarding(regarding),
    )
    return records.record_create(activity, actor=actor, m2m={"people": list(people)})


def activity_schedule(
    *,
    actor: User,
    type: ActivityType,  # noqa: A002
    subject: str,
    day: datetime.date,
    time: datetime.time | None = None,
    assignee: User | None = None,
    body: str = "",
    organization: Organization | None = None,
    people: list[Person] | tuple[Person, ...] = (),
    regarding: models.Model | None = None,
) -> Activity:
    """A follow-up to do on a day (at a time, if given), by the assignee (default: the actor)."""
    access.require_log(actor)
    assignee = assignee or actor
    if not assignee.is_active:
        raise ValidationError({"assignee": _("A deactivated user cannot be assigned work.")})
    activity = Activity(
        type=type,
        subject=subject.strip(),
        body=body,
        status=Activity.Status.PLANNED,
        assignee=assignee,
        organization=organization,
        **_due(day, time, assignee),
        **_regarding(regarding),
    )
    return records.record_create(activity, actor=actor, m2m={"people": list(people)})


def _require_planned(activity: Activity) -> None:
    if activity.status != Activity.Status.PLANNED:
        raise ValidationError(_("This activity is not planned any more."))


def activity_complete(*, actor: User, activity: Activity, outcome: str = "") -> Activity:
    """Done now. The caller offers to schedule the next step."""
    access.require_change(actor, activity)
    _require_planned(activity)
    now = timezone.now()
    return records.record_update(
        activity,
        actor=actor,
        values={
            "status": Activity.Status.DONE,
            "when": now,
            "day": timezone.localdate(now, _zone(activity.assignee)),
            "has_time": True,
            "outcome": outcome.strip() or activity.outcome,
        },
        expected_version=None,
    )


def activity_reschedule(
    *,
    actor: User,
    activity: Activity,
    day: datetime.date,
    time: datetime.time | None,
    expected_version: int | None = None,
) -> Activity:
    access.require_change(actor, activity)
    _require_planned(activity)
    return records.record_update(
        activity,
        actor=actor,
        values=_due(day, time, activity.assignee),
        expected_version=expected_version,
    )


def activity_cancel(*, actor: User, activity: Activity) -> Activity:
    access.require_change(actor, activity)
    _require_planned(activity)
    return records.record_update(
        activity, actor=actor, values={"status": Activity.Status.CANCELLED}, expected_version=None
    )
