"""The periodic jobs that `sampo worker` writes to django-q2's schedule table when it starts."""

from __future__ import annotations

import pytest
from django.utils import timezone
from django_q.models import Schedule

from sampo.core.schedules import JOBS, ensure_schedules

pytestmark = pytest.mark.django_db


def test_it_writes_each_registered_periodic_job_as_a_cron_schedule() -> None:
    ensure_schedules()

    purge = Schedule.objects.get(name="sampo:purge-trash")
    assert (purge.func, purge.schedule_type, purge.cron) == (
        "sampo.core.tasks.purge_trash",
        Schedule.CRON,
        "30 3 * * *",
    )
    # Next at half past three, not at once when a worker starts.
    assert purge.next_run > timezone.now()
    assert set(Schedule.objects.values_list("name", flat=True)) == set(JOBS)


def test_it_updates_a_job_whose_timing_changed_without_duplicating_it() -> None:
    Schedule.objects.create(
        name="sampo:purge-trash",
        func="sampo.core.tasks.purge_trash",
        schedule_type=Schedule.CRON,
        cron="0 0 * * *",
    )

    ensure_schedules()
    ensure_schedules()

    assert list(Schedule.objects.filter(name="sampo:purge-trash").values_list("cron")) == [
        ("30 3 * * *",)
    ]


def test_it_removes_our_jobs_that_are_gone_and_keeps_schedules_made_by_hand() -> None:
    Schedule.objects.create(name="sampo:gone", func="sampo.core.tasks.gone")
    Schedule.objects.create(name="nightly export", func="somewhere.export")

    ensure_schedules()

    names = set(Schedule.objects.values_list("name", flat=True))
    assert "sampo:gone" not in names
    assert "nightly export" in names
