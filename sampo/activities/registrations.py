"""What activities plug into lower floors: the menu, the register's 360° pages, demo data."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from sampo.activities import access, selectors
from sampo.contacts import panels
from sampo.core import navigation, schedules


def _organization_panel(user: Any, organization: Any) -> dict[str, Any]:
    return {
        "activities": selectors.organization_timeline(organization),
        "can_log": access.can_log(user),
        "target": f"organization={organization.pk}",
        "show_customer": False,
    }


def _person_panel(user: Any, person: Any) -> dict[str, Any]:
    return {
        "activities": selectors.person_timeline(person),
        "can_log": access.can_log(user),
        "target": f"person={person.pk}",
        "show_customer": True,
    }


navigation.register(label=_("My day"), url_name="activities:my_day", order=5)
panels.register(
    record_type="organization",
    key="activities",
    template="activities/_timeline.html",
    build=_organization_panel,
    order=10,
)
panels.register(
    record_type="person",
    key="activities",
    template="activities/_timeline.html",
    build=_person_panel,
    order=10,
)

from sampo.activities import demo  # noqa: E402, F401  (registers the demo loader)

# Reminders (activities.reminders): the jobs' crons are in the server's time zone; the digest
# job runs every quarter hour because each user gets theirs at their own local morning.
schedules.register(
    name="sampo:activity-reminders",
    func="sampo.activities.tasks.send_due_reminders",
    cron="* * * * *",
)
schedules.register(
    name="sampo:overdue-alerts",
    func="sampo.activities.tasks.send_overdue_alerts",
    cron="*/15 * * * *",
)
schedules.register(
    name="sampo:morning-digests",
    func="sampo.activities.tasks.send_morning_digests",
    cron="*/15 * * * *",
)
from sampo.activities import reminder_demo  # noqa: E402, F401  (registers the demo loader)
