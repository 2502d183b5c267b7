"""An email and a notification when a timed follow-up is due: once, in the assignee's language
and time zone, even when the job runs twice or dies between deciding and sending."""

from __future__ import annotations

import datetime

from django.db import connection
from django_q.models import OrmQ

from sampo.accounts.models import User
from sampo.activities import services, tasks
from sampo.activities.models import Activity, Reminder
from sampo.activities.tests.reminders.support import HELSINKI, at, run_queued_tasks
from sampo.notifications.models import Notification

DAY = datetime.date(2026, 11, 24)


def _finnish(user: User) -> User:
    User.objects.filter(pk=user.pk).update(language="fi", time_zone="Europe/Helsinki")
    user.refresh_from_db()
    return user


def _plan(user, call_type, organization=None, time=datetime.time(10, 0), **kwargs) -> Activity:
    return services.activity_schedule(
        actor=user,
        type=call_type,
        subject="Soita Virtaselle tarjouksesta",
        day=DAY,
        time=time,
        organization=organization,
        **kwargs,
    )


def test_it_emails_the_assignee_when_a_timed_follow_up_is_due(
    seller, call_type, organization, inbox, run_job
):
    _finnish(seller)
    activity = _plan(seller, call_type, organization)

    assert run_job(tasks.send_due_reminders, at(HELSINKI, 2026, 11, 24, 9, 59)) == 0
    assert inbox.mails == []
    assert run_job(tasks.send_due_reminders, at(HELSINKI, 2026, 11, 24, 10, 0)) == 1

    [mail] = inbox.mails
    assert mail.envelope_to == [seller.email]
    assert mail.message["Subject"] == "Muistutus: Soita Virtaselle tarjouksesta"
    # Finnish, and the time in the assignee's zone (10.00 in Helsinki is 08:00 UTC).
    assert "Tämän jatkotoimenpiteen aika on nyt:" in mail.body
    assert "24.11.2026 10.00" in mail.body
    assert "Rakennus Virtanen Oy" in mail.body
    assert "<strong>Soita Virtaselle tarjouksesta</strong>" in mail.html
    [notification] = Notification.objects.filter(recipient=seller)
    assert notification.text == "Erääntyy nyt: Soita Virtaselle tarjouksesta"
    assert notification.url == organization.get_absolute_url()
    assert Reminder.objects.get(activity=activity).emailed


def test_running_the_job_twice_sends_once(seller, call_type, inbox, run_job):
    _plan(seller, call_type)
    due = at(HELSINKI, 2026, 11, 24, 10, 1)

    run_job(tasks.send_due_reminders, due)
    run_job(tasks.send_due_reminders, due + datetime.timedelta(minutes=1))
    run_job(tasks.send_due_reminders, due + datetime.timedelta(minutes=30))

    assert len(inbox.mails) == 1
    assert Notification.objects.filter(recipient=seller).count() == 1


def test_a_send_task_that_runs_twice_sends_once(seller, call_type, inbox, run_job):
    _plan(seller, call_type)
    run_job(tasks.send_due_reminders, at(HELSINKI, 2026, 11, 24, 10, 1), send=False)
    [reminder] = Reminder.objects.all()

    assert tasks.send_reminder(reminder.pk) is True
    assert tasks.send_reminder(reminder.pk) is False
    assert len(inbox.mails) == 1


def test_a_job_killed_between_deciding_and_queueing_sends_on_a_later_run(
    seller, call_type, inbox, run_job
):
    _plan(seller, call_type)
    due = at(HELSINKI, 2026, 11, 24, 10, 1)
    # The decision committed, then the process died before its send task reached the queue.
    tasks.send_due_reminders(now=due)
    assert not OrmQ.objects.exists()

    run_job(tasks.send_due_reminders, due + datetime.timedelta(minutes=1))
    assert inbox.mails == [], "queued again too early: the first task may still be on its way"
    run_job(tasks.send_due_reminders, due + datetime.timedelta(minutes=20))
    run_job(tasks.send_due_reminders, due + datetime.timedelta(minutes=40))

    assert len(inbox.mails) == 1
    assert Notification.objects.filter(recipient=seller).count() == 1


def test_a_rescheduled_follow_up_is_reminded_of_at_its_new_time(seller, call_type, inbox, run_job):
    activity = _plan(seller, call_type)
    run_job(tasks.send_due_reminders, at(HELSINKI, 2026, 11, 24, 10, 0))
    services.activity_reschedule(
        actor=seller, activity=activity, day=DAY, time=datetime.time(14, 0)
    )

    run_job(tasks.send_due_reminders, at(HELSINKI, 2026, 11, 24, 10, 5))
    assert len(inbox.mails) == 1
    run_job(tasks.send_due_reminders, at(HELSINKI, 2026, 11, 24, 14, 0))

    assert len(inbox.mails) == 2


def test_it_sends_nothing_for_a_follow_up_done_before_the_email_went_out(
    seller, call_type, inbox, run_job
):
    activity = _plan(seller, call_type)
    run_job(tasks.send_due_reminders, at(HELSINKI, 2026, 11, 24, 10, 0), send=False)
    services.activity_complete(actor=seller, activity=activity)

    run_queued_tasks()

    assert inbox.mails == []
    assert Reminder.objects.get().sent_at is not None


def test_it_does_not_remind_of_untimed_done_old_or_cancelled_activities(
    seller, call_type, inbox, run_job
):
    _plan(seller, call_type, time=None)
    _plan(seller, call_type, time=datetime.time(1, 0))  # 9 hours before: too late to remind
    cancelled = _plan(seller, call_type)
    services.activity_cancel(actor=seller, activity=cancelled)

    assert run_job(tasks.send_due_reminders, at(HELSINKI, 2026, 11, 24, 10, 0)) == 0
    assert inbox.mails == []


def test_a_user_who_turned_reminder_emails_off_gets_only_the_notification(
    seller, call_type, inbox, run_job
):
    User.objects.filter(pk=seller.pk).update(email_reminders=False)
    _plan(seller, call_type)

    run_job(tasks.send_due_reminders, at(HELSINKI, 2026, 11, 24, 10, 0))

    assert inbox.mails == []
    assert Notification.objects.filter(recipient=seller, kind="activity_due").exists()
    assert not Reminder.objects.get().emailed


def test_the_job_finds_due_activities_with_one_query_however_many(seller, call_type, run_job):
    from django.test.utils import CaptureQueriesContext

    _plan(seller, call_type)
    now = at(HELSINKI, 2026, 11, 24, 9, 0)
    with CaptureQueriesContext(connection) as captured:
        run_job(tasks.send_due_reminders, now, send=False)
    for _ in range(20):
        _plan(seller, call_type)
    with CaptureQueriesContext(connection) as again:
        run_job(tasks.send_due_reminders, now, send=False)

    assert len(again) == len(captured)
