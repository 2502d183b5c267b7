from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sampo.activities import selectors, services
from sampo.activities.models import Activity, ActivityType
from sampo.core.records import StaleEditError

pytestmark = pytest.mark.django_db


def _plan(actor, **values):
    return services.activity_schedule(
        actor=actor,
        type=ActivityType.objects.get(code="meeting"),
        subject="Tapaaminen",
        day=datetime.date(2031, 1, 10),
        **values,
    )


def test_it_cancels_an_activity_planned_for_a_day_without_a_time(seller):
    activity = _plan(seller)

    cancelled = services.activity_cancel(actor=seller, activity=activity)

    assert cancelled.status == Activity.Status.CANCELLED
    assert cancelled.day == datetime.date(2031, 1, 10)


def test_it_changes_the_subject_and_passes_a_planned_activity_on(seller, teammate):
    activity = _plan(seller, time=datetime.time(9, 0))

    changed = services.activity_update(
        actor=seller,
        activity=activity,
        values={"subject": "  Demo  "},
        assignee=teammate,
        expected_version=1,
    )

    assert (changed.subject, changed.assignee, changed.when) == ("Demo", teammate, activity.when)
    with pytest.raises(StaleEditError):
        services.activity_update(
            actor=seller, activity=changed, values={"subject": "X"}, expected_version=1
        )


def test_it_refuses_a_change_by_someone_who_may_not_and_reassigning_a_done_one(seller, teammate):
    activity = _plan(seller)
    done = services.activity_log(
        actor=seller, type=ActivityType.objects.get(code="call"), subject="Soitto"
    )

    with pytest.raises(PermissionDenied):
        services.activity_update(actor=teammate, activity=activity, values={"subject": "X"})
    with pytest.raises(PermissionDenied):
        services.activity_trash(actor=teammate, activity=activity)
    with pytest.raises(ValidationError):
        services.activity_update(actor=seller, activity=done, values={}, assignee=teammate)


def test_a_trashed_activity_leaves_the_lists_but_not_the_sync(seller):
    activity = _plan(seller)

    services.activity_trash(actor=seller, activity=activity)

    assert not selectors.activity_rows(user=seller).exists()
    assert list(selectors.activity_rows(user=seller, trashed_too=True)) == [activity]
