"""The periodic jobs as the worker finds them, and the constraint that keeps two concurrent
runs from deciding the same reminder twice."""

from __future__ import annotations

import datetime

from django.utils.module_loading import import_string
from django_q.models import OrmQ

from sampo.activities import reminders, services
from sampo.activities.models import Reminder
from sampo.core.schedules import JOBS
from sampo.notifications.models import Notification


def test_the_reminder_jobs_are_registered_with_functions_the_worker_can_import(db):
    crons = {name: job.cron for name, job in JOBS.items()}

    # Other domains register their own jobs too; these are the reminders'.
    assert (
        crons.items()
        >= {
            "sampo:activity-reminders": "* * * * *",
            "sampo:overdue-alerts": "*/15 * * * *",
            "sampo:morning-digests": "*/15 * * * *",
            "sampo:purge-notifications": "45 3 * * *",
        }.items()
    )
    for job in JOBS.values():
        assert callable(import_string(job.func))


def test_a_run_that_found_the_same_activity_before_the_other_committed_decides_nothing(
    seller, call_type, django_capture_on_commit_callbacks
):
    activity = services.activity_schedule(
        actor=seller,
        type=call_type,
        subject="Call",
        day=datetime.date(2026, 11, 24),
        time=datetime.time(10, 0),
    )

    def decision() -> bool:
        reminder = Reminder(
            kind=Reminder.Kind.DUE, recipient=seller, activity=activity, due_at=activity.when
        )
        notification = {"kind": "activity_due", "text": "Due now: Call", "url": "/my-day/"}
        return reminders._decide(reminder, notification=notification)

    with django_capture_on_commit_callbacks(execute=True):
        first, second = decision(), decision()

    assert (first, second) == (True, False)
    assert Reminder.objects.count() == 1
    assert Notification.objects.count() == 1
    assert OrmQ.objects.count() == 1
