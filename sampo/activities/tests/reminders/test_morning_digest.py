"""The morning summary: each user at their own local morning, in their language, once a day;
a team leader's also lists the team's customers with nothing planned."""

from __future__ import annotations

import datetime

from sampo.accounts.models import User
from sampo.activities import services, tasks
from sampo.activities.models import Reminder
from sampo.activities.tests.reminders.support import BUDAPEST, HELSINKI, UTC, at
from sampo.contacts import services as contacts
from sampo.contacts.models import RelationshipType

DAY = datetime.date(2026, 11, 24)


def _living_in(user: User, zone: str, language: str) -> User:
    User.objects.filter(pk=user.pk).update(time_zone=zone, language=language)
    user.refresh_from_db()
    return user


def _plan(user, call_type, day=DAY, subject="Call", **kwargs):
    return services.activity_schedule(
        actor=user, type=call_type, subject=subject, day=day, **kwargs
    )


def _recipients(inbox) -> list[str]:
    return [mail.envelope_to[0] for mail in inbox.mails]


def test_helsinki_and_budapest_each_get_theirs_at_their_own_seven_oclock(
    seller, teammate, call_type, inbox, run_job
):
    helsinki = _living_in(seller, "Europe/Helsinki", "fi")
    budapest = _living_in(teammate, "Europe/Budapest", "hu")
    _plan(helsinki, call_type, subject="Soitto Virtaselle")
    _plan(budapest, call_type, subject="Hívás Nagy Kft.-nek")

    # 04:55 UTC: 06:55 in Helsinki, 05:55 in Budapest.
    assert run_job(tasks.send_morning_digests, at(UTC, 2026, 11, 24, 4, 55)) == 0
    # 05:00 UTC is 07:00 in Helsinki (EET, UTC+2) and only 06:00 in Budapest.
    run_job(tasks.send_morning_digests, at(HELSINKI, 2026, 11, 24, 7, 0))
    assert _recipients(inbox) == [helsinki.email]
    run_job(tasks.send_morning_digests, at(BUDAPEST, 2026, 11, 24, 6, 45))
    assert _recipients(inbox) == [helsinki.email]
    run_job(tasks.send_morning_digests, at(BUDAPEST, 2026, 11, 24, 7, 0))
    assert _recipients(inbox) == [helsinki.email, budapest.email]

    finnish, hungarian = inbox.mails
    assert finnish.message["Subject"] == "Päiväsi Sampossa 24.11.2026"
    assert "Tänään (1)" in finnish.body
    assert "Soitto Virtaselle" in finnish.body
    assert hungarian.message["Subject"] == "Az Ön napja a Sampóban, 2026.11.24."
    assert "Ma (1)" in hungarian.body
    assert "Hívás Nagy Kft.-nek" in hungarian.body


def test_each_user_gets_one_summary_a_day_however_often_the_job_runs(
    seller, call_type, inbox, run_job
):
    _living_in(seller, "Europe/Helsinki", "en")
    _plan(seller, call_type)
    for hour, minute in [(7, 0), (7, 15), (9, 30), (18, 0)]:
        run_job(tasks.send_morning_digests, at(HELSINKI, 2026, 11, 24, hour, minute))
    assert len(inbox.mails) == 1

    _plan(seller, call_type, day=DAY + datetime.timedelta(days=1))
    run_job(tasks.send_morning_digests, at(HELSINKI, 2026, 11, 25, 7, 0))

    assert len(inbox.mails) == 2
    assert set(Reminder.objects.values_list("day", flat=True)) == {DAY, DAY + datetime.timedelta(1)}


def test_it_lists_overdue_and_todays_work_not_later_work(seller, call_type, inbox, run_job):
    _living_in(seller, "Europe/Helsinki", "en")
    _plan(seller, call_type, day=DAY - datetime.timedelta(days=2), subject="Late call")
    _plan(seller, call_type, subject="Today's meeting", time=datetime.time(13, 30))
    _plan(seller, call_type, day=DAY + datetime.timedelta(days=1), subject="Tomorrow's call")

    run_job(tasks.send_morning_digests, at(HELSINKI, 2026, 11, 24, 7, 0))

    [mail] = inbox.mails
    assert mail.message["Subject"] == "Your day in Sampo, 24/11/2026"
    assert "Overdue (1)" in mail.body
    assert "Late call" in mail.body
    assert "Today (1)" in mail.body
    assert "24/11/2026 13:30 · Call: Today's meeting" in mail.body
    assert "Tomorrow's call" not in mail.body


def test_it_sends_no_empty_summary(seller, inbox, run_job):
    run_job(tasks.send_morning_digests, at(HELSINKI, 2026, 11, 24, 8, 0))

    assert inbox.mails == []
    assert Reminder.objects.get().sent_at is not None


def test_a_user_who_turned_the_summary_off_gets_none(seller, call_type, inbox, run_job):
    User.objects.filter(pk=seller.pk).update(email_digest=False)
    _plan(seller, call_type)

    assert run_job(tasks.send_morning_digests, at(HELSINKI, 2026, 11, 24, 8, 0)) == 0
    assert inbox.mails == []


def test_a_team_leaders_summary_lists_the_teams_customers_left_hanging(
    seller, teammate, manager, outsider, sales_team, inbox, run_job
):
    _living_in(manager, "Europe/Helsinki", "en")
    customer = RelationshipType.objects.get(code="customer")
    for owner, name in [(seller, "Hanging Oy"), (seller, "Forgotten Ab"), (outsider, "Not Ours")]:
        contacts.organization_create(
            actor=owner, values={"name": name, "relationship_types": [customer]}
        )

    run_job(tasks.send_morning_digests, at(HELSINKI, 2026, 11, 24, 7, 0))

    [mail] = [m for m in inbox.mails if m.envelope_to == [manager.email]]
    assert "Your team: nobody left hanging" in mail.body
    assert "Customers and prospects: no follow-up planned" in mail.body
    assert "- Mikko Myyjä: 2" in mail.body
    assert "Hanging Oy (Mikko Myyjä), never contacted" in mail.body
    assert "/activities/new/?organization=" in mail.body
    assert "Not Ours" not in mail.body
