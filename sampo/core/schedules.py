"""Periodic jobs run by `sampo worker`. Domains add theirs with `register` in their
AppConfig.ready; the worker writes them to django-q2's schedule table at start."""

from __future__ import annotations

from dataclasses import dataclass

from django_q.models import Schedule


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    func: str
    cron: str  # in the server's time zone (settings.TIME_ZONE)


JOBS: dict[str, PeriodicJob] = {}


def register(*, name: str, func: str, cron: str) -> None:
    JOBS[name] = PeriodicJob(name, func, cron)


def ensure_schedules() -> None:
    """Create or update each registered job's schedule; remove ours that are gone."""
    for job in JOBS.values():
        existing = Schedule.objects.filter(name=job.name).first()
        if existing and (existing.func, existing.cron) == (job.func, job.cron):
            continue
        schedule = existing or Schedule(name=job.name)
        schedule.func, schedule.schedule_type, schedule.cron = job.func, Schedule.CRON, job.cron
        # A new or changed cron runs at its next time, not at once nor at the old time.
        schedule.next_run = schedule.calculate_next_run()
        schedule.save()
    Schedule.objects.filter(name__startswith="sampo:").exclude(name__in=JOBS).delete()
