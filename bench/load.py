"""Concurrent load from a process of its own: `python -m bench.load PORT AUTH SECONDS
CLIENTS PATH...`, AUTH being the session's cookies as JSON, or `{"headers": {...}}` for an API
token. Each client is a thread with one keep-alive connection sending one request
after another for the given time (bounded: it stops by itself). Prints JSON: requests per
second, latencies and errors. Only ever aims at 127.0.0.1."""

from __future__ import annotations

import json
import sys
import threading
import time

from bench.web import Client


def run(
    port: int,
    cookies: dict[str, str],
    seconds: float,
    clients: int,
    paths: list[str],
    headers: dict[str, str] | None = None,
) -> dict[str, object]:
    stop_at = time.monotonic() + seconds
    timings: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()

    def worker(number: int) -> None:
        client = Client(port, dict(cookies))
        mine: list[float] = []
        bad: list[int] = []
        i = number
        while time.monotonic() < stop_at:
            status, _, ms = client.get(paths[i % len(paths)], headers)
            i += 1
            (mine if status == 200 else bad).append(ms if status == 200 else status)  # type: ignore[arg-type]
        with lock:
            timings.extend(mine)
            errors.extend(bad)

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "ms": timings,
        "requests_per_s": round(len(timings) / elapsed, 1),
        "errors": len(errors),
        "clients": clients,
        "seconds": round(elapsed, 1),
    }


if __name__ == "__main__":
    port, auth_json, seconds, clients, *paths = sys.argv[1:]
    auth = json.loads(auth_json)
    headers = auth.pop("headers", None)
    print(json.dumps(run(int(port), auth, float(seconds), int(clients), paths, headers)))
