"""Demo notifications, so that the bell is not empty on a fresh `./dev.sh run`: reminders of
due follow-ups and overdue alerts to the team leaders, in each demo user's language."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from sampo.accounts.models import Role, User
from sampo.activities import unattended
from sampo.activities.models import Activity
from sampo.activities.reminders import leaders_of
from sampo.core.demo import DemoContext, register
from sampo.notifications.models import Notification
from sampo.notifications.services import notify


def _url(activity: Activity) -> str:
    return activity.organization.get_absolute_url() if activity.organization else "/my-day/"


@register(40, "notifications")
@transaction.atomic
def load_notifications(context: DemoContext) -> None:
    if Notification.objects.exists():
        context.log("demo: notifications are already there")
        return
    planned = Activity.objects.filter(status=Activity.Status.PLANNED).select_related(
        "assignee", "organization"
    )
    today = timezone.localdate()
    for activity in planned.filter(day=today).order_by("when", "pk")[:10]:
        notify(
            recipient=activity.assignee,
            kind="activity_due",
            text=_("Due now: %(subject)s"),
            params={"subject": activity.subject},
            url=_url(activity),
        )
    overdue = list(planned.filter(day__lt=today).order_by("day", "pk")[:10])
    leaders = leaders_of(activity.assignee_id for activity in overdue)
    for activity in overdue:
        for leader in leaders.get(activity.assignee_id, []):
            notify(
                recipient=leader,
                kind="overdue_alert",
                text=_("%(assignee)s's follow-up “%(subject)s” is overdue"),
                params={"assignee": activity.assignee.name, "subject": activity.subject},
                url=_url(activity),
            )
    # The admin, who leads no team, hears how many customers are left hanging.
    hanging = unattended.SOURCES["customers"].rows(None, today).count()
    for admin in User.objects.filter(role__code=Role.ADMIN, is_active=True):
        notify(
            recipient=admin,
            kind="unattended",
            text=ngettext_lazy(
                "%(count)s active customer has no follow-up planned",
                "%(count)s active customers have no follow-up planned",
                "count",
            ),
            params={"count": hanging},
            url="/activities/unattended/",
        )
