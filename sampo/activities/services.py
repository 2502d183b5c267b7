"""Every write on activities: log what happened, plan a follow-up, complete, reschedule,
cancel. History goes through core.records like every record."""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sampo.accounts.access import require_admin
from sampo.accounts.models import User
from sampo.activities import access, following
from sampo.activities.models import Activity, ActivityType, Attachment, CalendarFeed
from sampo.contacts.models import Organization, Person
from sampo.core import named_types, records
from sampo.lib.uploads import check_upload


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _due(day: datetime.date, time: datetime.time | None, assignee: User) -> dict[str, Any]:
    """`when`, `day` and `has_time` of a planned activity, in the assignee's time zone."""
    moment = datetime.datetime.combine(day, time or datetime.time.min, tzinfo=_zone(assignee))
    return {"when": moment, "day": day, "has_time": time is not None}


def due_for_new_assignee(activity: Activity, assignee: User) -> dict[str, Any]:
    """A timed activity keeps its moment, dated in the new assignee's time zone; one for a
    day keeps its day."""
    if not activity.has_time:
        return {}
    return {"day": timezone.localdate(activity.when, _zone(assignee))}


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
    attachments: list[UploadedFile] | tuple[UploadedFile, ...] = (),
    regarding: models.Model | None = None,
) -> Activity:
    """Something that happened: a call made, a meeting held, a note taken."""
    access.require_log(actor)
    _check_files(attachments)
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
    return _create_with_files(activity, actor=actor, people=people, attachments=attachments)


def activity_schedule(
    *,
    actor: User,
    type: ActivityType,  # noqa: A002
    subject: str,
    day: datetime.date,
    time: datetime.time | None = None,
    duration_minutes: int | None = None,
    assignee: User | None = None,
    body: str = "",
    organization: Organization | None = None,
    people: list[Person] | tuple[Person, ...] = (),
    attachments: list[UploadedFile] | tuple[UploadedFile, ...] = (),
    regarding: models.Model | None = None,
) -> Activity:
    """A follow-up to do on a day (at a time, if given), by the assignee (default: the actor)."""
    access.require_log(actor)
    _check_files(attachments)
    assignee = assignee or actor
    if not assignee.is_active:
        raise ValidationError({"assignee": _("A deactivated user cannot be assigned work.")})
    activity = Activity(
        type=type,
        subject=subject.strip(),
        body=body,
        status=Activity.Status.PLANNED,
        duration_minutes=duration_minutes,
        assignee=assignee,
        organization=organization,
        **_due(day, time, assignee),
        **_regarding(regarding),
    )
    return _create_with_files(activity, actor=actor, people=people, attachments=attachments)


def _check_files(files: list[UploadedFile] | tuple[UploadedFile, ...]) -> None:
    errors = []
    for upload in files:
        try:
            check_upload(upload, max_bytes=settings.ATTACHMENT_MAX_BYTES)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"attachments": errors})


@transaction.atomic
def _create_with_files(
    activity: Activity,
    *,
    actor: User,
    people: list[Person] | tuple[Person, ...],
    attachments: list[UploadedFile] | tuple[UploadedFile, ...],
) -> Activity:
    records.record_create(activity, actor=actor, m2m={"people": list(people)})
    following.tell_about(activity, actor=actor, people=list(people))
    for upload in attachments:
        Attachment.objects.create(
            activity=activity,
            file=upload,
            name=(upload.name or "file")[:255],
            size=upload.size or 0,
            uploaded_by=actor,
        )
    return activity


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
    # An all-day activity stays all-day when cancelled (the check constraint allows it).
    return records.record_update(
        activity, actor=actor, values={"status": Activity.Status.CANCELLED}, expected_version=None
    )


ACTIVITY_VALUES = ("type", "subject", "body", "duration_minutes", "outcome", "organization")


def activity_update(
    *,
    actor: User,
    activity: Activity,
    values: dict[str, Any],
    people: list[Person] | None = None,
    assignee: User | None = None,
    expected_version: int | None = None,
) -> Activity:
    """Change what an activity is about: its type, subject, notes, customer, people; a
    planned one may pass to another assignee (its due moment kept). The due date moves with
    `activity_reschedule`, the status with complete and cancel."""
    access.require_change(actor, activity)
    unknown = set(values) - set(ACTIVITY_VALUES)
    if unknown:
        raise ValueError(f"not activity values: {sorted(unknown)}")
    values = dict(values)
    if "subject" in values:
        values["subject"] = values["subject"].strip()
    if "outcome" in values:
        values["outcome"] = values["outcome"].strip()
    if people is not None:
        values["people"] = list(people)
    if assignee is not None and assignee.pk != activity.assignee_id:
        if activity.status != Activity.Status.PLANNED:
            raise ValidationError({"assignee": _("Only a planned activity can be reassigned.")})
        if not assignee.is_active:
            raise ValidationError({"assignee": _("A deactivated user cannot be assigned work.")})
        values.update(assignee=assignee, **due_for_new_assignee(activity, assignee))
    return records.record_update(
        activity, actor=actor, values=values, expected_version=expected_version
    )


def activity_trash(*, actor: User, activity: Activity) -> Activity:
    access.require_delete(actor, activity)
    return records.record_trash(activity, actor=actor)


def calendar_feed_for(*, user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """A new private address; every address handed out before stops working."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return CalendarFeed.objects.create(user=user)
    feed.version += 1
    feed.enabled = True
    feed.save(update_fields=["version", "enabled"])
    return feed


@transaction.atomic
def calendar_feed_disable(*, user: User) -> CalendarFeed:
    feed = calendar_feed_for(user=user)
    feed.enabled = False
    feed.save(update_fields=["enabled"])
    return feed


# --- Admin: activity types ------------------------------------------------------------------------


def activity_type_create(*, actor: User, name: str) -> ActivityType:
    require_admin(actor)
    name = named_types.clean_name(name, max_length=80)
    with transaction.atomic():
        return ActivityType.objects.create(
            code=named_types.unique_code(ActivityType, name),
            name=name,
            position=named_types.next_position(ActivityType),
        )


def activity_type_rename(*, actor: User, activity_type: ActivityType, name: str) -> ActivityType:
    """A built-in type keeps its translated label until an admin names it differently."""
    require_admin(actor)
    name = named_types.clean_name(name, max_length=80)
    if name != str(activity_type):
        activity_type.name = name
        activity_type.save(update_fields=["name"])
    return activity_type


def activity_type_move(*, actor: User, activity_type: ActivityType, offset: int) -> None:
    require_admin(actor)
    named_types.move(ActivityType, activity_type, offset)


def activity_type_delete(*, actor: User, activity_type: ActivityType) -> None:
    """Only an unused type an admin added can go: the built-in ones are what calls, emails
    and notes are filed under (activities in the trash count as uses too)."""
    require_admin(actor)
    if activity_type.code in ActivityType.SEEDED_LABELS:
        raise ValidationError(_("A built-in activity type cannot be deleted."))
    with transaction.atomic():
        used = Activity.all_objects.filter(type=activity_type).count()
        if used:
            raise ValidationError(
                ngettext(
                    "“%(name)s” is used by %(count)d activity, so it cannot be deleted.",
                    "“%(name)s” is used by %(count)d activities, so it cannot be deleted.",
                    used,
                )
                % {"name": activity_type, "count": used}
            )
        activity_type.delete()
