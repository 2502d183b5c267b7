"""An alert to the assignee's team leader when a follow-up is days overdue: once, and only to
the leaders of the assignee's teams."""

from __future__ import annotations

import datetime

from sampo.activities import services, tasks
from sampo.activities.models import Reminder
from sampo.activities.tests.reminders.support import HELSINKI, at
from sampo.notifications.models import Notification

DAY = datetime.date(2026, 11, 20)


def _plan(user, call_type, **kwargs):
    return services.activity_schedule(
        actor=user, type=call_type, subject="Tarjouksen seuranta", day=DAY, **kwargs
    )


def test_it_alerts_the_team_leader_once_after_the_configured_days(
    settings, seller, manager, sales_team, call_type, inbox, run_job
):
    settings.OVERDUE_ALERT_DAYS = 3
    _plan(seller, call_type)  # due on the 20th, without a time: overdue from the 21st

    assert run_job(tasks.send_overdue_alerts, at(HELSINKI, 2026, 11, 23, 23, 59)) == 0
    assert run_job(tasks.send_overdue_alerts, at(HELSINKI, 2026, 11, 24, 0, 0)) == 1
    run_job(tasks.send_overdue_alerts, at(HELSINKI, 2026, 11, 24, 0, 15))
    run_job(tasks.send_overdue_alerts, at(HELSINKI, 2026, 11, 25, 9, 0))

    [mail] = inbox.mails
    assert mail.envelope_to == [manager.email]
    assert mail.message["Subject"] == "Overdue: Tarjouksen seuranta (Mikko Myyjä)"
    assert "has been overdue for 3 days" in mail.body
    assert "/my-day/?scope=team" in mail.body
    [notification] = Notification.objects.filter(recipient=manager)
    assert notification.kind == "overdue_alert"
    assert not Notification.objects.filter(recipient=seller).exists()


def test_a_timed_follow_up_counts_from_its_time(
    settings, seller, manager, sales_team, call_type, inbox, run_job
):
    settings.OVERDUE_ALERT_DAYS = 2
    _plan(seller, call_type, time=datetime.time(15, 0))

    assert run_job(tasks.send_overdue_alerts, at(HELSINKI, 2026, 11, 22, 14, 59)) == 0
    assert run_job(tasks.send_overdue_alerts, at(HELSINKI, 2026, 11, 22, 15, 0)) == 1


def test_nobody_is_alerted_about_a_user_without_a_team_or_their_own_work(
    seller, manager, outsider, sales_team, call_type, inbox, run_job
):
    _plan(outsider, call_type)
    _plan(manager, call_type)  # the leader's own follow-up: no alert to themselves

    assert run_job(tasks.send_overdue_alerts, at(HELSINKI, 2026, 11, 26, 9, 0)) == 0
    assert inbox.mails == []


def test_a_follow_up_done_in_time_raises_no_alert(
    seller, manager, sales_team, call_type, inbox, run_job
):
    activity = _plan(seller, call_type)
    services.activity_complete(actor=seller, activity=activity)

    assert run_job(tasks.send_overdue_alerts, at(HELSINKI, 2026, 11, 25, 9, 0)) == 0


def test_old_overdue_work_does_not_flood_the_leader_on_the_first_run(
    seller, manager, sales_team, call_type, inbox, run_job
):
    _plan(seller, call_type)

    assert run_job(tasks.send_overdue_alerts, at(HELSINKI, 2027, 1, 10, 9, 0)) == 0


def test_a_leader_who_turned_reminder_emails_off_still_gets_the_notification(
    seller, manager, sales_team, call_type, inbox, run_job
):
    manager.email_reminders = False
    manager.save(update_fields=["email_reminders"])
    _plan(seller, call_type)

    run_job(tasks.send_overdue_alerts, at(HELSINKI, 2026, 11, 25, 9, 0))

    assert inbox.mails == []
    assert Notification.objects.filter(recipient=manager).count() == 1
    assert Reminder.objects.get().sent_at is not None
