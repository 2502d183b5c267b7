"""The REST API's scenarios (issue 8), measured over HTTP with a personal token like any
integration: a filtered list, cursor paging through 100,000 records, and throughput under 16
concurrent clients. A scenario whose endpoint this build of Sampo does not serve is reported as
not available rather than failing the suite."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.web import Client

PAGING_RECORDS = 100_000
PAGE = 200  # the API's largest page


def _served(client: Client, headers: dict[str, str]) -> set[str]:
    status, body, _ms = client.get("/api/v1/openapi.json", headers)
    if status != 200:
        return set()
    return set(json.loads(body)["paths"])


def _unavailable(path: str) -> dict[str, str]:
    return {"skipped": f"not available: this build's API has no {path}"}


def _opportunities_by_stage(
    client: Client, headers: dict[str, str], stage: int | None, warmup: int, count: int
) -> dict[str, Any]:
    path = f"/api/v1/opportunities?stage_id={stage}&sort=-created_at&limit=80"
    for _ in range(warmup):
        client.get(path, headers)
    timings = []
    for _ in range(count):
        status, body, ms = client.get(path, headers)
        if status != 200:
            return {"error": f"{path} answered {status}: {body[:200]!r}"}
        timings.append(ms)
    return {"ms": timings, "note": f"stage {stage}, {len(json.loads(body)['items'])} rows"}


def _cursor_paging(client: Client, headers: dict[str, str], resource: str) -> dict[str, Any]:
    """Page after page with the cursor, as a sync client would, up to 100,000 records."""
    path: str | None = f"/api/v1/{resource}?limit={PAGE}&sort=id"
    timings, records = [], 0
    started = time.perf_counter()
    while path and records < PAGING_RECORDS:
        status, body, ms = client.get(path, headers)
        if status != 200:
            return {"error": f"{path[:80]} answered {status}: {body[:200]!r}"}
        page = json.loads(body)
        timings.append(ms)
        records += len(page["items"])
        cursor = page["next_cursor"]
        path = f"/api/v1/{resource}?limit={PAGE}&sort=id&cursor={cursor}" if cursor else None
    total = time.perf_counter() - started
    return {
        "ms": timings,
        "note": f"{records:,} {resource} in {len(timings)} pages of {PAGE}, {total:.1f} s in all",
        "total_s": round(total, 2),
        "records": records,
    }


def run(
    port: int,
    *,
    secret: str,
    busiest_stage: int | None,
    counts: dict[str, int],
    warmup: int,
    count: int,
    load_seconds: float,
    root: Path,
    cpu: Callable[[], float] | None = None,
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
    client = Client(port)
    served = _served(client, headers)
    results: dict[str, Any] = {}

    name = "API: 80 opportunities by stage, newest first"
    if "/api/v1/opportunities" in served:
        results[name] = _opportunities_by_stage(client, headers, busiest_stage, warmup, count)
    else:
        results[name] = _unavailable("/api/v1/opportunities")

    # Activities when there are 100,000 of them to page through and the API serves them.
    resource = (
        "activities"
        if counts.get("activities", 0) >= PAGING_RECORDS and "/api/v1/activities" in served
        else "organizations"
    )
    name = "API: list with cursor paging through 100,000 records"
    if f"/api/v1/{resource}" in served:
        results[name] = _cursor_paging(client, headers, resource)
    else:
        results[name] = _unavailable(f"/api/v1/{resource}")

    name = "API: list under 16 clients"
    if "/api/v1/organizations" not in served:
        results[name] = _unavailable("/api/v1/organizations")
        return results
    paths = [
        "/api/v1/organizations?limit=50",
        "/api/v1/organizations?limit=50&sort=-updated_at",
        "/api/v1/organizations?limit=50&search=virta",
    ]
    if "/api/v1/opportunities" in served:
        paths.append(f"/api/v1/opportunities?stage_id={busiest_stage}&sort=-created_at&limit=80")
    load = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.load",
            str(port),
            json.dumps({"headers": headers}),
            str(load_seconds),
            "16",
            *paths,
        ],
        cwd=root,
        stdout=subprocess.PIPE,
        check=True,
    )
    measured = json.loads(load.stdout)
    measured["note"] = (
        f"{measured.pop('errors')} errors, {measured['clients']} clients, {len(paths)} API lists"
    )
    results[name] = measured
    return results
