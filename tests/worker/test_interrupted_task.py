"""A task whose worker is killed in the middle of it is run again by another worker, not lost,
on the database queue and on Redis."""

from __future__ import annotations

from pathlib import Path

import pytest
from django_q.models import Task
from django_q.tasks import async_task

from tests.worker.support import TASK_RETRY, TASK_TIMEOUT, Sampo, TaskQueue, wait_until

SLOW_TASK = "tests.worker.tasks_for_tests.slow_marker"
SLOW_TASK_SECONDS = 4
assert SLOW_TASK_SECONDS < TASK_TIMEOUT < TASK_RETRY


def runs(marker: Path) -> list[str]:
    return marker.read_text().split() if marker.exists() else []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_runs_a_task_again_when_the_worker_running_it_was_killed(
    sampo: Sampo, queue: TaskQueue, tmp_path: Path
) -> None:
    marker = tmp_path / "marker"
    async_task(SLOW_TASK, str(marker), SLOW_TASK_SECONDS)
    assert queue.waiting() == 1

    first = sampo.worker("worker-a")
    wait_until(
        lambda: runs(marker) == ["started"],
        timeout=30,
        what="worker A to start the task",
        details=sampo.logs,
    )
    first.kill()

    assert runs(marker) == ["started"]
    assert queue.waiting() + queue.in_progress() == 1, "the interrupted task left the queue"

    sampo.worker("worker-b")
    wait_until(
        lambda: "finished" in runs(marker),
        timeout=TASK_RETRY + SLOW_TASK_SECONDS + 20,
        what="worker B to run the interrupted task again",
        details=sampo.logs,
    )
    assert runs(marker) == ["started", "started", "finished"]
    wait_until(
        lambda: queue.waiting() == queue.in_progress() == 0,
        timeout=10,
        what="the task to be acknowledged",
        details=sampo.logs,
    )
    assert Task.objects.filter(func=SLOW_TASK, success=True).count() == 1
