"""What activities plug into lower floors: the menu, the register's 360° pages, demo data."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from sampo.accounts import offboarding, rights
from sampo.accounts.models import Role
from sampo.activities import selectors, services
from sampo.contacts import panels
from sampo.core import navigation, schedules

navigation.register(label=_("My day"), url_name="activities:my_day", order=5)
navigation.register(
    label=_("Activity types"),
    url_name="activities:types",
    section="admin",
    order=35,
    visible_to=navigation.admins_only,
)
_ALL: dict[str, str] = dict.fromkeys(rights.Action.values, rights.Scope.ALL)
_OWN_WORK: dict[str, str] = {**_ALL, "edit": rights.Scope.OWN, "delete": rights.Scope.OWN}
_READS: dict[str, str] = {rights.Action.READ: rights.Scope.ALL}
rights.register_record_type(
    key="activities.activity",
    label=_("activities"),
    order=40,
    owner_field="assignee",
    also_own=("created_by",),
    defaults={
        Role.ADMIN: _ALL,
        Role.SALES_MANAGER: {**_ALL, "edit": rights.Scope.TEAM, "delete": rights.Scope.TEAM},
        Role.SALESPERSON: _OWN_WORK,
        Role.SUPPORT: _OWN_WORK,
        Role.MARKETING: _READS,
        Role.READ_ONLY: _READS,
    },
)
offboarding.register_book(
    key="activities",
    label=_("planned activities"),
    order=40,
    rows=selectors.assigned_planned_activities,
    customer_of=lambda activity: activity.organization_id,
    field="assignee",
    extra_values=services.due_for_new_assignee,
)
panels.register(
    record_type="organization",
    key="activities",
    template="activities/_timeline.html",
    build=lambda user, organization: selectors.timeline_panel(user, record=organization),
    order=10,
)
panels.register(
    record_type="person",
    key="activities",
    template="activities/_timeline.html",
    build=lambda user, person: selectors.timeline_panel(user, record=person),
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
