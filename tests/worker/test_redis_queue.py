"""ReliableRedisBroker on a real Redis: a task stays in the queue until it is acknowledged, and
one whose worker went silent for longer than `retry` is handed out again."""

from __future__ import annotations

import pickle
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
from django_q.conf import Conf

from sampo.lib.redis_queue import ReliableRedisBroker

RETRY = 0.5  # seconds; Conf.RETRY as the broker reads it


@pytest.fixture
def queue_name(monkeypatch: pytest.MonkeyPatch, redis_url: str) -> Iterator[str]:
    monkeypatch.setattr(Conf, "REDIS", redis_url)
    monkeypatch.setattr(Conf, "RETRY", RETRY)
    monkeypatch.setattr(Conf, "BULK", 1)
    name = f"test-{uuid.uuid4().hex[:12]}"
    yield name
    redis.from_url(redis_url).delete(f"django_q:{name}:q:stream")


def a_worker(queue_name: str) -> ReliableRedisBroker:
    """What each `sampo worker` builds: its own broker, its own consumer name."""
    return ReliableRedisBroker(queue_name)


def test_it_hands_out_tasks_in_the_order_they_were_queued(queue_name: str) -> None:
    worker = a_worker(queue_name)
    first = worker.enqueue("first")
    second = worker.enqueue("second")

    assert worker.dequeue() == [(first, "first")]
    assert worker.dequeue() == [(second, "second")]
    assert worker.dequeue() is None


def test_it_does_not_hand_a_task_in_progress_to_another_worker(queue_name: str) -> None:
    worker, other = a_worker(queue_name), a_worker(queue_name)
    worker.enqueue("send the newsletter")

    assert worker.dequeue()
    assert other.dequeue() is None


def test_it_hands_an_unacknowledged_task_to_another_worker_after_the_retry_time(
    queue_name: str,
) -> None:
    dead, alive = a_worker(queue_name), a_worker(queue_name)
    task_id = dead.enqueue("send the newsletter")
    assert dead.dequeue() == [(task_id, "send the newsletter")]

    time.sleep(RETRY + 0.2)

    assert alive.dequeue() == [(task_id, "send the newsletter")]
    alive.acknowledge(task_id)
    assert (alive.queue_size(), alive.lock_size()) == (0, 0)


def test_it_never_hands_out_an_acknowledged_task_again(queue_name: str) -> None:
    worker, other = a_worker(queue_name), a_worker(queue_name)
    task_id = worker.enqueue("send the newsletter")
    [(handed_out, _task)] = worker.dequeue() or []
    worker.acknowledge(handed_out)

    time.sleep(RETRY + 0.2)

    assert other.dequeue() is None
    assert worker.dequeue() is None
    assert handed_out == task_id
    assert worker.connection.xlen(worker.stream_key) == 0


def test_it_drops_a_task_it_could_not_read(queue_name: str) -> None:
    worker = a_worker(queue_name)
    worker.enqueue("not a signed task")
    [(task_id, _task)] = worker.dequeue() or []
    worker.fail(task_id)

    time.sleep(RETRY + 0.2)

    assert worker.dequeue() is None


def test_it_finds_a_dead_workers_task_behind_many_tasks_still_running(queue_name: str) -> None:
    # XAUTOCLAIM looks at ten pending entries per task asked for: the broker must walk on
    # past tasks a live worker is running instead of looking at the same first ten forever.
    dead, alive = a_worker(queue_name), a_worker(queue_name)
    ids = [dead.enqueue(f"task {n}") for n in range(15)]
    for _ in ids:
        assert dead.dequeue()
    time.sleep(RETRY + 0.2)

    taken_over = [alive.dequeue() for _ in ids]

    assert [task for task in taken_over if task] == [[(i, f"task {n}")] for n, i in enumerate(ids)]


def test_it_counts_waiting_tasks_and_tasks_in_progress(queue_name: str) -> None:
    worker = a_worker(queue_name)
    for n in range(3):
        worker.enqueue(f"task {n}")
    assert (worker.queue_size(), worker.lock_size()) == (3, 0)

    [(task_id, _task)] = worker.dequeue() or []
    assert (worker.queue_size(), worker.lock_size()) == (2, 1)

    worker.acknowledge(task_id)
    assert (worker.queue_size(), worker.lock_size()) == (2, 0)


def test_it_starts_again_when_its_stream_was_deleted_under_it(queue_name: str) -> None:
    worker = a_worker(queue_name)
    worker.connection.delete(worker.stream_key)  # as FLUSHDB or a Redis restart would
    task_id = worker.enqueue("queued after the flush")

    assert worker.dequeue() == [(task_id, "queued after the flush")]


def test_it_lets_many_workers_start_at_once_on_a_new_queue(queue_name: str) -> None:
    starting_line = threading.Barrier(8)

    def start_a_worker() -> ReliableRedisBroker:
        starting_line.wait(timeout=10)
        return a_worker(queue_name)

    with ThreadPoolExecutor(max_workers=8) as pool:
        workers = list(pool.map(lambda _n: start_a_worker(), range(8)))

    groups = workers[0].connection.xinfo_groups(workers[0].stream_key)

    assert [group["name"] for group in groups] == [b"workers"]


def test_it_still_works_when_handed_to_a_process_pickled(queue_name: str) -> None:
    worker = pickle.loads(pickle.dumps(a_worker(queue_name)))  # noqa: S301 - our own object
    task_id = worker.enqueue("pickled")

    assert worker.dequeue() == [(task_id, "pickled")]


def test_it_fails_loudly_on_a_redis_error_it_does_not_know(queue_name: str) -> None:
    worker = a_worker(queue_name)
    worker.connection.delete(worker.stream_key)
    worker.connection.set(worker.stream_key, "not a stream")

    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        worker.dequeue()
