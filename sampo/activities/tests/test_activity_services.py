from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sampo.activities import services
from sampo.activities.models import Activity
from sampo.core.models import HistoryEntry


def test_a_logged_call_is_done_and_in_the_history(seller, call_type, organization, contact):
    activity = services.activity_log(
        actor=seller,
        type=call_type,
        subject="Tarjouksen läpikäynti",
        organization=organization,
        people=[contact],
        duration_minutes=15,
    )

    assert activity.status == Activity.Status.DONE
    assert list(activity.people.all()) == [contact]
    assert HistoryEntry.objects.filter(object_id=str(activity.pk), action="created").exists()


def test_a_logged_activity_cannot_be_in_the_future(seller, call_type):
    with pytest.raises(ValidationError):
        services.activity_log(
            actor=seller,
            type=call_type,
            subject="Later",
            when=timezone.now() + datetime.timedelta(days=1),
        )

    assert not Activity.all_objects.exists()


def test_a_follow_up_is_due_in_the_assignees_time_zone(seller, teammate, call_type):
    teammate.time_zone = "Europe/Budapest"
    teammate.save(update_fields=["time_zone"])

    activity = services.activity_schedule(
        actor=seller,
        type=call_type,
        subject="Soita takaisin",
        day=datetime.date(2026, 12, 1),
        time=datetime.time(9, 0),
        assignee=teammate,
    )

    assert activity.when == datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)
    assert activity.day == datetime.date(2026, 12, 1)


def test_completing_marks_done_and_keeps_the_outcome(seller, call_type):
    planned = services.activity_schedule(
        actor=seller, type=call_type, subject="Call", day=timezone.localdate()
    )

    done = services.activity_complete(actor=seller, activity=planned, outcome="Tilaus tulossa")

    assert (done.status, done.outcome, done.has_time) == ("done", "Tilaus tulossa", True)
    with pytest.raises(ValidationError):
        services.activity_complete(actor=seller, activity=done)


def test_a_colleague_cannot_complete_someone_elses_follow_up(seller, teammate, call_type):
    planned = services.activity_schedule(
        actor=seller, type=call_type, subject="Call", day=timezone.localdate()
    )

    with pytest.raises(PermissionDenied):
        services.activity_complete(actor=teammate, activity=planned)

    assert Activity.objects.get(pk=planned.pk).status == "planned"


def test_the_team_leader_reschedules_a_team_members_follow_up(
    manager, seller, sales_team, call_type
):
    planned = services.activity_schedule(
        actor=seller, type=call_type, subject="Call", day=datetime.date(2026, 12, 1)
    )

    moved = services.activity_reschedule(
        actor=manager, activity=planned, day=datetime.date(2027, 1, 15), time=None
    )

    assert (moved.day, moved.has_time) == (datetime.date(2027, 1, 15), False)


def test_read_only_users_cannot_log(viewer, call_type):
    with pytest.raises(PermissionDenied):
        services.activity_log(actor=viewer, type=call_type, subject="x")


def test_work_cannot_be_assigned_to_a_deactivated_user(seller, teammate, call_type):
    teammate.is_active = False
    teammate.save(update_fields=["is_active"])

    with pytest.raises(ValidationError):
        services.activity_schedule(
            actor=seller, type=call_type, subject="x", day=timezone.localdate(), assignee=teammate
        )
