"""A django-q2 broker on Redis that does not lose a task when a worker dies.

django-q2's own Redis broker pops a task off a list, so a worker killed mid-task loses it.
This one keeps tasks in a Redis stream read through a consumer group: a task stays pending
until the worker acknowledges it, and a task left pending longer than the queue's `retry`
(its worker died) is claimed again and run by another worker.
"""

from __future__ import annotations

import os
import socket
import uuid
from typing import Any

from django_q.brokers.redis_broker import Redis
from django_q.conf import Conf
from redis.exceptions import ResponseError

GROUP = "workers"
# Where a walk over the pending tasks starts, and what XAUTOCLAIM answers when it has ended.
PENDING_START = "0-0"


class ReliableRedisBroker(Redis):
    def __init__(self, list_key: str | None = None) -> None:
        super().__init__(list_key=list_key)
        self._reset_process_state()
        self._ensure_group()

    def __setstate__(self, state: Any) -> None:
        # Platforms without fork hand the broker to the cluster's processes pickled.
        super().__setstate__(state)
        self._reset_process_state()

    def _reset_process_state(self) -> None:
        self._claim_cursor = PENDING_START
        self._consumer_name = ""
        self._consumer_pid = 0

    @property
    def stream_key(self) -> str:
        return f"{self.list_key}:stream"

    @property
    def consumer(self) -> str:
        # Unique per process: the pusher that reads is forked from the process that built the
        # broker, and workers on many machines (or containers, all pid 1) share one group.
        if self._consumer_pid != os.getpid():
            self._consumer_pid = os.getpid()
            suffix = uuid.uuid4().hex[:8]
            self._consumer_name = f"{socket.gethostname()}:{self._consumer_pid}:{suffix}"
        return self._consumer_name

    def _ensure_group(self) -> None:
        # Creating and ignoring "exists" is one round trip and safe when two processes race.
        # Id 0: tasks added while the group was missing are still delivered.
        try:
            self.connection.xgroup_create(self.stream_key, GROUP, id="0", mkstream=True)
        except ResponseError as error:
            if not str(error).startswith("BUSYGROUP"):
                raise

    def enqueue(self, task: str) -> str:
        return self.connection.xadd(self.stream_key, {"task": task}).decode()

    def dequeue(self) -> list[tuple[str, str]] | None:
        try:
            messages = self._claim_abandoned() or self._read_new()
        except ResponseError as error:
            if not str(error).startswith("NOGROUP"):
                raise
            # The stream was deleted (purged, Redis flushed or restarted empty): start it again.
            self._ensure_group()
            messages = self._claim_abandoned() or self._read_new()
        if not messages:
            return None
        return [(mid.decode(), fields[b"task"].decode()) for mid, fields in messages]

    def _claim_abandoned(self) -> list[tuple[bytes, dict[bytes, bytes]]]:
        """Tasks handed out more than `retry` seconds ago and never acknowledged: their worker
        died. Each call walks on from where the last one stopped, because XAUTOCLAIM looks at
        only ten entries per task asked for, and the first pending ones may be tasks that live
        workers are still running."""
        retry_ms = max(1, int((Conf.RETRY or 60) * 1000))
        cursor, claimed, *_ = self.connection.xautoclaim(
            self.stream_key,
            GROUP,
            self.consumer,
            min_idle_time=retry_ms,
            start_id=self._claim_cursor,
            count=Conf.BULK,
        )
        self._claim_cursor = cursor.decode() if isinstance(cursor, bytes) else str(cursor)
        # Redis 6.2 answers a pending entry deleted from the stream with empty fields and keeps
        # it pending; Redis 7 drops it itself.
        if gone := [mid for mid, fields in claimed if not fields]:
            self.connection.xack(self.stream_key, GROUP, *gone)
        return [(mid, fields) for mid, fields in claimed if fields]

    def _read_new(self) -> list[tuple[bytes, dict[bytes, bytes]]]:
        reply = self.connection.xreadgroup(
            GROUP, self.consumer, {self.stream_key: ">"}, count=Conf.BULK, block=1000
        )
        return reply[0][1] if reply else []

    def acknowledge(self, task_id: str) -> None:
        # One transaction: a task acknowledged but left in the stream would count as waiting.
        with self.connection.pipeline(transaction=True) as pipe:
            pipe.xack(self.stream_key, GROUP, task_id)
            pipe.xdel(self.stream_key, task_id)
            pipe.execute()

    def fail(self, task_id: str) -> None:
        self.acknowledge(task_id)

    def queue_size(self) -> int:
        # Acknowledged tasks are deleted, so the stream holds exactly the waiting tasks and the
        # ones in progress. (XINFO's "lag" needs Redis 7 and is unknown after some deletions.)
        return max(0, int(self.connection.xlen(self.stream_key)) - self.lock_size())

    def lock_size(self) -> int:
        try:
            return int(self.connection.xpending(self.stream_key, GROUP)["pending"])
        except ResponseError as error:
            if not str(error).startswith("NOGROUP"):
                raise
            return 0

    def purge_queue(self) -> None:
        self.delete_queue()
        self._ensure_group()

    def delete_queue(self) -> int:
        return int(self.connection.delete(self.stream_key))
