"""`sampo worker`: background tasks and periodic jobs, stopped by SIGTERM."""

from __future__ import annotations

import pytest

from tests.cli.support import Processes, sampo_python

pytestmark = pytest.mark.slow

SCHEDULES = """
import json
from django_q.models import Schedule
print(json.dumps(sorted(Schedule.objects.values_list("name", flat=True))))
"""


def test_it_starts_a_worker_that_logs_its_start_and_stops_on_sigterm(
    migrated_env: dict[str, str], processes: Processes
) -> None:
    worker = processes.start("worker", "--processes", "3", env=migrated_env)

    worker.wait_for_log("Sampo worker started: 3 processes, database queue")
    worker.wait_for_log("running.")
    exit_code = worker.terminate()

    assert exit_code == 0
    assert worker.log().count("Sampo worker started") == 1
    assert not worker.group_alive()
    assert "sampo:purge-trash" in sampo_python(SCHEDULES, env=migrated_env)
