from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_q.brokers import get_broker
from django_q.cluster import Cluster
from django_q.conf import Conf

from sampo.core.schedules import ensure_schedules


class Command(BaseCommand):
    help = (
        "Run background tasks and periodic jobs (emails, reminders, imports, trash purge). "
        "Uses the database as the queue, or Redis when SAMPO_REDIS_URL is set. "
        "Run as many workers, on as many machines, as the load needs."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--processes",
            type=int,
            default=None,
            help="Task processes in this worker (default 2, or $SAMPO_WORKER_PROCESSES).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["processes"]:
            Conf.WORKERS = Conf.QUEUE_LIMIT = options["processes"]
        ensure_schedules()
        queue = "Redis" if Conf.BROKER_CLASS else "database"
        self.stdout.write(f"Sampo worker started: {Conf.WORKERS} processes, {queue} queue")
        Cluster(get_broker()).start()
