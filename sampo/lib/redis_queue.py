"""A django-q2 broker on Redis that does not lose a task when a worker dies.

django-q2's own Redis broker pops a task off a list, so a worker killed mid-task loses it.
This one keeps tasks in a Redis stream read through a consumer group: a task stays pending
until the worker acknowledges it, and a task left pending longer than the queue's `retry`
(its worker died) is claimed again and run by another worker.
"""

from __future__ import annotations

from django_q.brokers.redis_broker import Redis
from django_q.conf import Conf

GROUP = "workers"


class ReliableRedisBroker(Redis):
    def __init__(self, list_key: str | None = None) -> None:
        super().__init__(list_key=list_key)
        self.stream_key = f"{self.list_key}:stream"
        self._consumer = f"consumer-{id(self)}"
        self._ensure_group()

    def _ensure_group(self) -> None:
        if not self.connection.exists(self.stream_key) or not any(
            g["name"].decode() == GROUP for g in self.connection.xinfo_groups(self.stream_key)
        ):
            self.connection.xgroup_create(self.stream_key, GROUP, id="0", mkstream=True)

    def enqueue(self, task: str) -> str:
        return self.connection.xadd(self.stream_key, {"task": task}).decode()

    def dequeue(self) -> list[tuple[str, str]] | None:
        # First take over tasks whose worker went silent for longer than `retry`.
        retry_ms = int((Conf.RETRY or 60) * 1000)
        _next, claimed, *_ = self.connection.xautoclaim(
            self.stream_key, GROUP, self._consumer, min_idle_time=retry_ms, count=Conf.BULK
        )
        messages = [m for m in claimed if m[1]]
        if not messages:
            reply = self.connection.xreadgroup(
                GROUP, self._consumer, {self.stream_key: ">"}, count=Conf.BULK, block=1000
            )
            messages = reply[0][1] if reply else []
        if not messages:
            return None
        return [(mid.decode(), fields[b"task"].decode()) for mid, fields in messages]

    def acknowledge(self, task_id: str) -> None:
        self.connection.xack(self.stream_key, GROUP, task_id)
        self.connection.xdel(self.stream_key, task_id)

    def fail(self, task_id: str) -> None:
        self.acknowledge(task_id)

    def queue_size(self) -> int:
        groups = self.connection.xinfo_groups(self.stream_key)
        lag = next((g.get("lag") for g in groups if g["name"].decode() == GROUP), None)
        return int(lag or 0)

    def lock_size(self) -> int:
        return int(self.connection.xpending(self.stream_key, GROUP)["pending"])

    def purge_queue(self) -> None:
        self.delete_queue()
        self._ensure_group()

    def delete_queue(self) -> int:
        return self.connection.delete(self.stream_key)
