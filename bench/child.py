"""What runs inside a Django process pointed at one benchmark database (the parent sets the
environment): generating the dataset, one import, and the scenarios measured in-process
(duplicate scan, pipeline aggregation). Each prints one JSON object on its last line."""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from pathlib import Path
from typing import Any


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sampo.settings")
    import django

    django.setup()


def peak_rss_mb(pid: int | str = "self") -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    return _status_kb(pid, "VmHWM") / 1024


def rss_mb(pid: int | str = "self") -> float:
    return _status_kb(pid, "VmRSS") / 1024


def _status_kb(pid: int | str, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    return 0


def generate(
    scale_name: str,
    seed: int,
    anchor: str,
    csv_dir: str,
    engine: str,
    pg_url: str,
    data_dir: str,
    pg_prefix: str,
) -> dict[str, Any]:
    _setup()
    from django.core.management import call_command
    from django.db import connection

    from bench import dataset
    from bench.databases import Target
    from bench.scales import SCALES

    scale = SCALES[scale_name]
    target = Target(engine, scale_name, Path(data_dir), pg_url, pg_prefix)
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    migrated = time.monotonic()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")

    def after_setup() -> None:
        connection.close()
        target.snapshot_empty()

    folder = Path(csv_dir) if csv_dir else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    manifest = dataset.load(
        scale,
        seed=seed,
        anchor=datetime.date.fromisoformat(anchor),
        csv_dir=folder,
        log=lambda text: print(f"  {engine}: {text}", file=sys.stderr, flush=True),
        after_setup=after_setup,
    )
    loaded = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    if connection.vendor == "postgresql":
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    manifest.update(_pointers(datetime.date.fromisoformat(anchor)))
    manifest["seconds"] = {
        "migrate": round(migrated - started, 1),
        "load": round(loaded - migrated, 1),
        "analyze": round(time.monotonic() - loaded, 1),
    }
    manifest["rows_per_s"] = round(sum(manifest["counts"].values()) / (loaded - migrated))
    return manifest


def _pointers(anchor: datetime.date) -> dict[str, Any]:
    """What the scenarios aim at, read from the data rather than assumed."""
    from django.db.models import Count

    from bench.scales import ADMIN_EMAIL
    from sampo.accounts.models import User
    from sampo.activities.models import Activity
    from sampo.contacts.models import Industry, Organization, Person
    from sampo.sales.models import Opportunity, Stage

    big = Activity.objects.values("organization_id").annotate(n=Count("id")).order_by("-n").first()
    pipeline = (
        Opportunity.objects.filter(status="open")
        .values("pipeline_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    busy = (
        Activity.objects.filter(status="planned", day__lte=anchor + datetime.timedelta(days=7))
        .values("assignee_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if not (big and pipeline and busy):
        raise RuntimeError("the dataset has no activities, open opportunities or plans")
    owner = Organization.objects.values("owner_id").annotate(n=Count("id")).order_by("-n")[0]
    movers = list(
        Opportunity.objects.filter(pipeline_id=pipeline["pipeline_id"], status="open")
        .order_by("id")
        .values_list("id", flat=True)[:40]
    )
    person = Person.objects.exclude(mobile="").order_by("id")[1]
    with_id = Organization.objects.filter(business_id_kind="fi_ytunnus").order_by("id")[1]
    section = Industry.objects.get(code="F")
    return {
        "admin_email": ADMIN_EMAIL,
        "big_organization": big["organization_id"],
        "big_organization_activities": big["n"],
        "big_organization_name": Organization.objects.get(pk=big["organization_id"]).name,
        "busiest_pipeline": pipeline["pipeline_id"],
        "busiest_pipeline_open": pipeline["n"],
        "stages": list(
            Stage.objects.filter(pipeline_id=pipeline["pipeline_id"])
            .order_by("position")
            .values_list("id", flat=True)
        ),
        "move_opportunities": movers,
        "my_day_user": User.objects.get(pk=busy["assignee_id"]).email,
        "my_day_planned": busy["n"],
        "owner_with_most": owner["owner_id"],
        "industry_section": section.pk,
        "phone_national": "0" + person.mobile[4:]
        if person.mobile.startswith("+358")
        else "06" + person.mobile[3:],
        "business_id": with_id.business_id,
        "exact_name": Organization.objects.get(pk=big["organization_id"]).name,
    }


def import_file(kind: str, path: str, actor_email: str) -> dict[str, Any]:
    """One import through the wizard's own path: upload, mapping, options, then the worker's
    run of the batch, chunk by chunk, history kept."""
    _setup()
    from django.db import transaction

    from bench.dataset import OPPORTUNITY_MAPPING, ORG_MAPPING, PERSON_MAPPING
    from sampo.accounts.models import User
    from sampo.contacts.imports import runner, services
    from sampo.contacts.imports.models import ImportBatch

    actor = User.objects.get(email=actor_email)
    content = Path(path).read_bytes()
    started, cpu = time.monotonic(), time.process_time()
    batch = services.import_upload(
        actor=actor, kind=kind, file_name=Path(path).name, content=content
    )
    options = services.ImportOptions(services.default_match(batch.kind), "update", "bench")
    mapping = {
        "organizations": ORG_MAPPING,
        "people": PERSON_MAPPING,
        "opportunities": OPPORTUNITY_MAPPING,
    }[kind]
    batch = services.import_configure(actor=actor, batch=batch, mapping=mapping, options=options)
    with transaction.atomic():
        batch.status = ImportBatch.Status.QUEUED
        batch.save(update_fields=["status"])
    services.import_run(batch)
    elapsed = time.monotonic() - started
    cpu = time.process_time() - cpu
    batch.refresh_from_db()
    chunks = max(1, -(-batch.total_rows // runner.CHUNK_SIZE))
    return {
        "rows": batch.total_rows,
        "status": batch.status,
        "mapping": batch.mapping,
        "created": batch.created_count,
        "updated": batch.updated_count,
        "failed": batch.failed_count,
        "duplicates": batch.duplicate_count + batch.skipped_count + batch.unchanged_count,
        "seconds": round(elapsed, 2),
        "rows_per_s": round(batch.total_rows / elapsed),
        # The importer's own CPU time: what the rate would be with a core to itself (the
        # database server's work is not in it on PostgreSQL).
        "cpu_s": round(cpu, 1),
        "rows_per_cpu_s": round(batch.total_rows / cpu),
        "chunk_ms_mean": round(elapsed * 1000 / chunks, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "failures": [
            f"row {r.row_number}: {r.message}"
            for r in batch.rows.filter(outcome="failed").order_by("row_number")[:5]
        ],
    }


def opportunities_csv(source: str, target: str) -> dict[str, Any]:
    """The opportunities file as the generator writes it now (pipeline and stage by name, the
    lost reason, the day closed, the day a postponed one comes back), made from an older
    file that named pipelines and stages by id, with the facts read from the dataset itself."""
    _setup()
    import csv

    from bench.dataset import OPPORTUNITY_HEADERS, opportunity_names
    from sampo.sales.models import Opportunity

    with open(source, newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    if rows[0] == OPPORTUNITY_HEADERS:
        Path(target).write_bytes(Path(source).read_bytes())
        return {"rows": len(rows) - 1, "converted": False}
    names = opportunity_names()
    facts = {
        pk: (reason, closed, until)
        for pk, reason, closed, until in Opportunity.objects.values_list(
            "pk", "lost_reason_id", "closed_on", "postponed_until"
        )
    }
    column = {name: i for i, name in enumerate(rows[0])}
    with open(target, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(OPPORTUNITY_HEADERS)
        for row in rows[1:]:
            reason, closed, until = facts[int(row[column["Source id"]].removeprefix("opp-"))]
            row[column["Pipeline"]] = names["pipeline"][int(row[column["Pipeline"]])]
            row[column["Stage"]] = names["stage"][int(row[column["Stage"]])]
            writer.writerow(
                [
                    *row,
                    names["lost_reason"][reason] if reason else "",
                    closed.isoformat() if closed else "",
                    until.isoformat() if until else "",
                ]
            )
    return {"rows": len(rows) - 1, "converted": True}


def inprocess(rounds: int) -> dict[str, Any]:
    """Duplicate scan of all people and the pipeline aggregations, timed in this process."""
    _setup()
    from bench import aggregations
    from sampo.contacts.duplicates import duplicate_pairs
    from sampo.contacts.models import Person

    results: dict[str, Any] = {}
    timings = []
    pairs = 0
    for _ in range(rounds):
        started = time.perf_counter()
        pairs = len(duplicate_pairs(Person))
        timings.append((time.perf_counter() - started) * 1000)
    results["duplicate scan (people)"] = {"ms": timings, "note": f"{pairs} pairs shown"}
    for name, query in aggregations.QUERIES.items():
        query()  # warm-up
        timings = []
        for _ in range(max(rounds * 10, 3)):
            started = time.perf_counter()
            rows = query()
            timings.append((time.perf_counter() - started) * 1000)
        results[name] = {"ms": timings, "note": f"{rows} groups"}
    results["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return results


def profile(paths: list[str], email: str) -> dict[str, Any]:
    """Why a page is slow: for each path, through Django's test client in this process, the
    number of queries, their total time and the slowest of them (EXPLAIN them by hand)."""
    _setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sampo.accounts.models import User

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=email))
    found: dict[str, Any] = {}
    for path in paths:
        client.get(path)  # warm-up: caches, content types
        with CaptureQueriesContext(connection) as queries:
            started, cpu = time.perf_counter(), time.process_time()
            status = client.get(path).status_code
            total = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu) * 1000
        timed = sorted(queries.captured_queries, key=lambda q: -float(q["time"]))
        found[path] = {
            "status": status,
            "ms": round(total, 1),
            "cpu_ms": round(cpu, 1),
            "queries": len(queries),
            "sql_ms": round(sum(float(q["time"]) for q in timed) * 1000, 1),
            "slowest": [
                {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:600]} for q in timed[:3]
            ],
        }
    return found


def api_client(email: str) -> dict[str, Any]:
    """A write token for the API scenarios (as `sampo token create` makes one), and what they
    aim at: the stage with the most opportunities."""
    _setup()
    from django.db.models import Count

    from sampo.accounts.api_tokens import api_token_create
    from sampo.accounts.models import User
    from sampo.sales.models import Opportunity

    user = User.objects.get(email=email)
    issued = api_token_create(actor=user, user=user, name="benchmark", scope="write")
    stage = Opportunity.objects.values("stage_id").annotate(n=Count("id")).order_by("-n").first()
    return {
        "secret": issued.secret,
        "busiest_stage": stage["stage_id"] if stage else None,
        "busiest_stage_count": stage["n"] if stage else 0,
    }


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "generate":
        result = generate(args[0], int(args[1]), *args[2:8])
    elif command == "import":
        result = import_file(args[0], args[1], args[2])
    elif command == "opportunities_csv":
        result = opportunities_csv(args[0], args[1])
    elif command == "profile":
        result = profile(args[1:], args[0])
    elif command == "api-client":
        result = api_client(args[0])
    elif command == "inprocess":
        result = inprocess(int(args[0]))
    else:
        raise SystemExit(f"unknown: {command}")
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
