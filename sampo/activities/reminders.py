"""Reminders: an email and a notification when a timed follow-up is due, an alert to the
team leader when one is days overdue, and a morning summary per user, each in the
recipient's language and time zone.

Sent once, even when a worker dies or two run the same job: each decision is a `Reminder` row
written in its own transaction together with the in-app notification (a unique constraint
refuses a second one); the email is queued after that commit, and the send task marks the
row sent under a row lock, so a task that runs twice sends once. A send lost between the
commit and the queue (a crash in that instant) is queued again by the next run.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_q.tasks import async_task

from sampo.accounts.models import Team, User
from sampo.activities import unattended
from sampo.activities.models import Activity, Reminder
from sampo.notifications.services import notify

logger = logging.getLogger(__name__)

# A due reminder is still worth sending this long after the due time (a worker was down);
# later, the morning summary covers it.
DUE_GRACE = datetime.timedelta(hours=6)
# Overdue alerts look this far back from the alert time, so that a new installation or a long
# outage does not alert about every old activity at once.
OVERDUE_WINDOW = datetime.timedelta(days=7)
# A reminder decided but not sent after this long lost its send task: queue it again.
RESEND_AFTER = datetime.timedelta(minutes=15)
SEND_TASK = "sampo.activities.tasks.send_reminder"
DIGEST_LIST_LIMIT = 20


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _activity_url(activity: Activity) -> str:
    if activity.organization_id:
        return reverse("contacts:organization", args=[activity.organization_id])
    return reverse("activities:my_day")


def _decide(reminder: Reminder, *, notification: dict[str, Any] | None = None) -> bool:
    """Record the reminder (and its notification) in one transaction, then queue the email.
    False when another run had already decided it."""
    try:
        with transaction.atomic():
            reminder.save()
            if notification:
                notify(recipient=reminder.recipient, **notification)
            transaction.on_commit(lambda: async_task(SEND_TASK, reminder.pk))
    except IntegrityError:
        return False
    return True


# --- The decisions, run by the periodic jobs ------------------------------------------------


def remind_due_activities(*, now: datetime.datetime) -> int:
    """Timed planned activities whose due time has come, reminded of once per due time."""
    already = Reminder.objects.filter(
        kind=Reminder.Kind.DUE, activity_id=OuterRef("pk"), due_at=OuterRef("when")
    )
    due = list(
        Activity.objects.filter(
            status=Activity.Status.PLANNED,
            has_time=True,
            when__lte=now,
            when__gt=now - DUE_GRACE,
            assignee__is_active=True,
        )
        .exclude(Exists(already))
        .select_related("assignee", "type")
    )
    decided = 0
    for activity in due:
        reminder = Reminder(
            kind=Reminder.Kind.DUE,
            recipient=activity.assignee,
            activity=activity,
            due_at=activity.when,
            queued_at=now,
        )
        notification = {
            "kind": "activity_due",
            "text": _("Due now: %(subject)s"),
            "params": {"subject": activity.subject},
            "url": _activity_url(activity),
        }
        decided += _decide(reminder, notification=notification)
    return decided


def _overdue_since(threshold: datetime.datetime) -> Q:
    # A timed activity is overdue from its time; one without a time from the end of its day.
    return Q(has_time=True, when__lte=threshold) | Q(
        has_time=False, when__lte=threshold - datetime.timedelta(days=1)
    )


def leaders_of(assignee_ids: Iterable[int]) -> dict[int, list[User]]:
    memberships = Team.members.through.objects.filter(
        user_id__in=set(assignee_ids),
        team__deleted_at__isnull=True,
        team__leader__is_active=True,
    ).select_related("team__leader")
    leaders: dict[int, list[User]] = {}
    for membership in memberships:
        leader = membership.team.leader
        if leader is not None and leader.pk != membership.user_id:
            members_leaders = leaders.setdefault(membership.user_id, [])
            if leader.pk not in {known.pk for known in members_leaders}:
                members_leaders.append(leader)
    return leaders


def alert_overdue_activities(*, now: datetime.datetime, days: int | None = None) -> int:
    """Tell the assignee's team leader(s) about a planned activity `days` days overdue; once
    per activity and leader."""
    days = settings.OVERDUE_ALERT_DAYS if days is None else days
    threshold = now - datetime.timedelta(days=days)
    overdue = list(
        Activity.objects.filter(status=Activity.Status.PLANNED, assignee__is_active=True)
        .filter(_overdue_since(threshold))
        .exclude(_overdue_since(threshold - OVERDUE_WINDOW))
        .select_related("assignee", "type")
    )
    leaders = leaders_of(activity.assignee_id for activity in overdue)
    alerted = set(
        Reminder.objects.filter(
            kind=Reminder.Kind.OVERDUE, activity_id__in=[a.pk for a in overdue]
        ).values_list("activity_id", "recipient_id")
    )
    decided = 0
    for activity in overdue:
        for leader in leaders.get(activity.assignee_id, []):
            if (activity.pk, leader.pk) in alerted:
                continue
            reminder = Reminder(
                kind=Reminder.Kind.OVERDUE, recipient=leader, activity=activity, queued_at=now
            )
            notification = {
                "kind": "overdue_alert",
                "text": _("%(assignee)s's follow-up “%(subject)s” is overdue"),
                "params": {"assignee": activity.assignee.name, "subject": activity.subject},
                "url": _activity_url(activity),
            }
            decided += _decide(reminder, notification=notification)
    return decided


def queue_morning_digests(*, now: datetime.datetime, hour: int | None = None) -> int:
    """A summary for each user whose local time has passed the digest hour today and who has
    had none today. Users are in different time zones: the job runs every quarter hour."""
    hour = settings.DIGEST_HOUR if hour is None else hour
    users = User.objects.filter(is_active=True, email_digest=True)
    due: dict[int, datetime.date] = {}
    for user in users.only("id", "time_zone"):
        local = now.astimezone(_zone(user))
        if local.hour >= hour:
            due[user.pk] = local.date()
    if not due:
        return 0
    done = set(
        Reminder.objects.filter(
            kind=Reminder.Kind.DIGEST, recipient_id__in=due, day__in=set(due.values())
        ).values_list("recipient_id", "day")
    )
    decided = 0
    for user_id, day in due.items():
        if (user_id, day) not in done:
            reminder = Reminder(
                kind=Reminder.Kind.DIGEST, recipient_id=user_id, day=day, queued_at=now
            )
            decided += _decide(reminder)
    return decided


def queue_lost_sends(*, now: datetime.datetime) -> int:
    """Queue again the sends of reminders decided long ago and still not sent: their task was
    lost (the process died between the commit and the queue, or the queue was wiped)."""
    lost = list(
        Reminder.objects.filter(sent_at__isnull=True, queued_at__lt=now - RESEND_AFTER).values_list(
            "pk", flat=True
        )[:500]
    )
    if lost:
        Reminder.objects.filter(pk__in=lost).update(queued_at=now)
        for pk in lost:
            async_task(SEND_TASK, pk)
        logger.warning("Queued %d reminder emails again that were never sent", len(lost))
    return len(lost)


# --- Sending, run by the send task ----------------------------------------------------------


def send_reminder(reminder_id: int) -> bool:
    """Send one reminder's email unless it is sent already or has nothing left to say (done,
    rescheduled, opted out). True when an email went out."""
    with transaction.atomic():
        reminder = Reminder.objects.select_for_update().filter(pk=reminder_id).first()
        if reminder is None or reminder.sent_at is not None:
            return False
        message = compose_email(reminder)
        if message is not None:
            message.send()
        reminder.sent_at = timezone.now()
        reminder.emailed = message is not None
        reminder.save(update_fields=["sent_at", "emailed"])
    return reminder.emailed


def compose_email(reminder: Reminder) -> EmailMultiAlternatives | None:
    recipient = reminder.recipient
    if not recipient.is_active or not recipient.email:
        return None
    if reminder.kind == Reminder.Kind.DIGEST:
        return _digest_email(recipient, reminder.day) if recipient.email_digest else None
    if reminder.activity_id is None:
        return None
    activity = (
        Activity.objects.filter(pk=reminder.activity_id, status=Activity.Status.PLANNED)
        .select_related("type", "assignee", "organization")
        .first()
    )
    if activity is None or not recipient.email_reminders:
        return None
    if reminder.kind == Reminder.Kind.DUE:
        if activity.when != reminder.due_at:  # rescheduled: the new time has its own reminder
            return None
        return _render(recipient, "reminder", {"activity": activity})
    return _render(
        recipient,
        "overdue_alert",
        {"activity": activity, "days": settings.OVERDUE_ALERT_DAYS},
    )


def digest_content(user: User, today: datetime.date) -> dict[str, Any]:
    planned = (
        Activity.objects.filter(assignee=user, status=Activity.Status.PLANNED, day__lte=today)
        .select_related("type", "organization")
        .order_by("day", "has_time", "when", "pk")
    )
    overdue = list(planned.filter(day__lt=today)[: DIGEST_LIST_LIMIT + 1])
    todays = list(planned.filter(day=today)[: DIGEST_LIST_LIMIT + 1])
    return {
        "today": today,
        "overdue": overdue[:DIGEST_LIST_LIMIT],
        "more_overdue": len(overdue) > DIGEST_LIST_LIMIT,
        "todays": todays[:DIGEST_LIST_LIMIT],
        "more_today": len(todays) > DIGEST_LIST_LIMIT,
        "team": unattended.team_summary(leader=user, today=today),
    }


def _digest_email(user: User, day: datetime.date | None) -> EmailMultiAlternatives | None:
    content = digest_content(user, day or timezone.localdate(timezone=_zone(user)))
    if not (content["overdue"] or content["todays"] or content["team"]):
        return None  # nothing to say: no email every morning about nothing
    return _render(user, "digest", content)


def _render(user: User, name: str, context: dict[str, Any]) -> EmailMultiAlternatives:
    """The email in the user's language, its times in the user's time zone."""
    context = {
        **context,
        "recipient": user,
        "site_url": settings.SITE_URL,
        "my_day_url": settings.SITE_URL + reverse("activities:my_day"),
        "unattended_url": settings.SITE_URL + reverse("activities:unattended"),
        "profile_url": settings.SITE_URL + reverse("accounts:profile"),
    }
    folder = "activities/email"
    with translation.override(user.language), timezone.override(_zone(user)):
        subject = " ".join(render_to_string(f"{folder}/{name}_subject.txt", context).split())
        text = render_to_string(f"{folder}/{name}.txt", context)
        html = render_to_string(f"{folder}/{name}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    return message
