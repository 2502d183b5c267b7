"""The suite for one database: generate the dataset, then run every scenario and collect
timings. Each Django part runs in its own process with the database's environment; the HTTP
scenarios are measured from this process against a real server."""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench import api_scenarios
from bench.databases import Target
from bench.scales import PASSWORD, SCALES
from bench.targets import NOT_YET, target_for
from bench.web import Client, start_server

ROOT = Path(__file__).resolve().parent.parent


def _child(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.child", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        check=True,
    )
    return json.loads(done.stdout.decode().strip().splitlines()[-1])


def generate(target: Target, *, seed: int, anchor: str) -> None:
    print(
        f"Generating {target.scale} on {target.engine} (seed {seed}, anchor {anchor})", flush=True
    )
    target.reset()
    csv_dir = target.data_dir / "csv"
    manifest = _child(
        target.env(),
        "generate",
        target.scale,
        str(seed),
        anchor,
        str(csv_dir),
        target.engine,
        target.pg_url,
        str(target.data_dir),
        target.pg_prefix,
    )
    target.manifest_path().write_text(json.dumps(manifest, indent=2))
    print(f"  done: {manifest['counts']} in {manifest['seconds']}", flush=True)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def summary(ms: list[float]) -> dict[str, float]:
    if not ms:
        return {}
    return {
        "n": len(ms),
        "p50": round(statistics.median(ms), 1),
        "p95": round(_percentile(ms, 0.95), 1),
        "max": round(max(ms), 1),
        "per_s": round(1000 * len(ms) / sum(ms), 1) if sum(ms) else 0.0,
    }


def _measure(
    client: Client, paths: list[str], *, warmup: int, count: int, cpu: Any = None
) -> dict[str, Any]:
    for i in range(warmup * len(paths)):
        client.get(paths[i % len(paths)])
    timings, sizes = [], []
    cpu_before = cpu() if cpu else 0.0
    for i in range(count):
        status, body, ms = client.get(paths[i % len(paths)])
        if status != 200:
            return {"error": f"{paths[i % len(paths)]} answered {status}"}
        timings.append(ms)
        sizes.append(len(body))
    found: dict[str, Any] = {"ms": timings, "note": f"{statistics.mean(sizes) / 1024:.0f} KB"}
    if cpu:
        found["worker_cpu_ms"] = round((cpu() - cpu_before) * 1000 / count, 1)
    return found


def _http_scenarios(m: dict[str, Any]) -> dict[str, list[str]]:
    q = urllib.parse.quote
    owner = m["owner_with_most"]
    return {
        "list: organizations by name": ["/organizations/"],
        "list: organizations in a city, newest changes first": [
            "/organizations/?city=Tampere&sort=-updated"
        ],
        "list: organizations of an owner": [f"/organizations/?owner={owner}"],
        "list: organizations of an industry section, by city": [
            f"/organizations/?industry={m['industry_section']}&sort=city"
        ],
        "list: organizations with revenue >= 1 M": ["/organizations/?revenue_min=1000000"],
        "list: organizations, text filter": ["/organizations/?q=virta"],
        "list: people by name": ["/people/"],
        "list: people of an owner, newest changes first": [f"/people/?owner={owner}&sort=-updated"],
        "list: open opportunities, newest first": ["/sales/opportunities/"],
        "list: won opportunities of the busiest pipeline, by value": [
            f"/sales/opportunities/?pipeline={m['busiest_pipeline']}&status=won&sort=-value"
        ],
        "list: opportunities of an owner, by close date": [
            f"/sales/opportunities/?owner={owner}&sort=close"
        ],
        "search: exact name": [f"/search/?q={q(m['exact_name'])}"],
        "search: fragment without accents (szucs)": ["/search/?q=szucs"],
        "search: prefix (virta)": ["/search/?q=virta"],
        "search: typo (virtasen)": ["/search/?q=virtasen"],
        "search: phone, national format": [f"/search/?q={q(m['phone_national'])}"],
        "search: business ID": [f"/search/?q={q(m['business_id'])}"],
        "360° page of the biggest customer": [f"/organizations/{m['big_organization']}/"],
        "timeline of the biggest customer (first page)": [
            f"/activities/timeline/?organization={m['big_organization']}"
        ],
        "kanban of the busiest pipeline": [f"/sales/pipelines/{m['busiest_pipeline']}/"],
    }


def _stage_moves(
    client: Client, m: dict[str, Any], *, warmup: int, count: int, cpu: Any = None
) -> dict[str, Any]:
    """Each opportunity in turn one stage further (round the stages), as a drag on the board:
    JSON in and out, the version carried from the last answer."""
    stages, versions = m["stages"], {}
    timings = []
    cpu_before = 0.0
    for i in range(warmup + count):
        pk = m["move_opportunities"][i % len(m["move_opportunities"])]
        if pk not in versions:
            status, page, _ = client.get(f"/sales/opportunities/{pk}/")
            found = __import__("re").search(rb'name="version" value="(\d+)"', page)
            versions[pk] = int(found.group(1)) if found else 1
        stage = stages[(i // len(m["move_opportunities"]) + 1) % len(stages)]
        status, body, ms = client.post(
            f"/sales/opportunities/{pk}/move/",
            {"stage": str(stage), "version": str(versions[pk])},
            headers={"Accept": "application/json"},
        )
        if status != 200:
            return {"error": f"move answered {status}: {body[:200]!r}"}
        versions[pk] = json.loads(body)["version"]
        if i == warmup - 1 and cpu:
            cpu_before = cpu()
        if i >= warmup:
            timings.append(ms)
    return {
        "ms": timings,
        "worker_cpu_ms": round((cpu() - cpu_before) * 1000 / count, 1) if cpu and warmup else None,
    }


IMPORTS = ("organizations", "people", "opportunities")


def run(target: Target, *, groups: set[str]) -> dict[str, Any]:
    scale = SCALES[target.scale]
    manifest = json.loads(target.manifest_path().read_text())
    results: dict[str, Any] = {}
    wanted = lambda group: not groups or group in groups  # noqa: E731
    print(f"Running {target.scale} on {target.engine}", flush=True)
    # The cores are shared: the load average says how much else ran beside the suite.
    load_start = os.getloadavg()

    if wanted("import"):
        # One empty copy: the people file links to the organizations imported just before, the
        # opportunities file to both.
        target.fresh_import_copy()
        files = {kind: target.data_dir / "csv" / f"{kind}.csv" for kind in IMPORTS}
        # A file from an older generator names pipelines and stages by id: made current from
        # the dataset (outside the timing).
        files["opportunities"] = target.folder("-import") / "opportunities.csv"
        _child(
            target.env(),
            "opportunities_csv",
            str(target.data_dir / "csv" / "opportunities.csv"),
            str(files["opportunities"]),
        )
        for kind in IMPORTS:
            started = time.monotonic()
            try:
                outcome = _child(
                    target.env("-import"),
                    "import",
                    kind,
                    str(files[kind]),
                    manifest["admin_email"],
                )
            except subprocess.CalledProcessError as error:
                outcome = {"error": str(error)}
            results[f"import: {kind} CSV"] = outcome
            print(
                f"  import {kind}: {outcome.get('rows_per_s')} rows/s "
                f"({time.monotonic() - started:.0f} s)",
                flush=True,
            )
        results["importer peak RSS"] = {
            "mb": max(
                r.get("peak_rss_mb", 0) for k, r in results.items() if k.startswith("import:")
            )
        }

    if wanted("http"):
        results.update(_run_http(target, manifest, scale))

    if wanted("inprocess"):
        try:
            measured = _child(target.env(), "inprocess", str(scale.duplicate_scan_runs))
            measured.pop("peak_rss_mb", None)
            results.update(measured)
        except subprocess.CalledProcessError as error:
            results["duplicate scan (people)"] = {"error": str(error)}
        print("  in-process scenarios done", flush=True)

    for name, reason in NOT_YET.items():
        results.setdefault(name, {"skipped": reason})
    load = {"start": load_start, "end": os.getloadavg()}
    return {"manifest": manifest, "scenarios": results, "load_average": load}


def profile(target: Target) -> dict[str, Any]:
    """Query counts and the slowest queries of every page the HTTP scenarios request."""
    manifest = json.loads(target.manifest_path().read_text())
    paths = [path for paths in _http_scenarios(manifest).values() for path in paths]
    return _child(target.env(), "profile", manifest["admin_email"], *paths)


def _run_http(target: Target, manifest: dict[str, Any], scale: Any) -> dict[str, Any]:
    results: dict[str, Any] = {}
    # The API's rate limit stays on (its cost is part of every request) but set above what
    # 16 clients can reach, so that the load test measures the API and not the limit.
    env = {**target.env(), "SAMPO_API_RATE_LIMIT_PER_MINUTE": "100000000"}
    server = start_server(env, target.folder() / "server.log")
    try:
        admin = Client(server.port)
        admin.login(manifest["admin_email"], PASSWORD)
        for name, paths in _http_scenarios(manifest).items():
            results[name] = _measure(
                admin, paths, warmup=scale.warmup, count=scale.requests, cpu=server.cpu_seconds
            )
        results["stage move"] = _stage_moves(
            admin, manifest, warmup=scale.warmup, count=scale.requests, cpu=server.cpu_seconds
        )
        seller = Client(server.port)
        seller.login(manifest["my_day_user"], PASSWORD)
        results["My day"] = _measure(
            seller, ["/my-day/"], warmup=scale.warmup, count=scale.requests, cpu=server.cpu_seconds
        )
        print("  HTTP scenarios done", flush=True)
        load = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.load",
                str(server.port),
                json.dumps(admin.cookies),
                str(scale.load_seconds),
                "16",
                "/organizations/",
                "/organizations/?sort=-updated",
                "/people/",
                "/sales/opportunities/",
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            check=True,
        )
        measured = json.loads(load.stdout)
        measured["note"] = f"{measured.pop('errors')} errors, {measured['clients']} clients"
        results["list under 16 clients (4 list pages, 2 workers x 4 threads)"] = measured
        api = _child(target.env(), "api-client", manifest["admin_email"])
        results.update(
            api_scenarios.run(
                server.port,
                secret=api["secret"],
                busiest_stage=api["busiest_stage"],
                counts=manifest.get("counts", {}),
                warmup=scale.warmup,
                count=scale.requests,
                load_seconds=scale.load_seconds,
                root=ROOT,
            )
        )
        print("  API scenarios done", flush=True)
        results["web worker RSS after the runs"] = {
            "mb": max(_rss(pid) for pid in server.worker_pids()),
            "note": "VmRSS of the larger of the 2 gunicorn workers",
        }
    finally:
        server.stop()
    return results


def _rss(pid: int) -> float:
    from bench.child import rss_mb

    return round(rss_mb(pid), 1)


def save(report: dict[str, Any], *, scale: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{scale}-{stamp}.json"
    payload = {
        "scale": scale,
        "when": stamp,
        "machine": {"python": platform.python_version(), "platform": platform.platform()},
        "databases": {
            engine: {
                "manifest": data["manifest"],
                "load_average": data.get("load_average"),
                "scenarios": {
                    name: {**{k: v for k, v in r.items() if k != "ms"}, **summary(r.get("ms", []))}
                    for name, r in data["scenarios"].items()
                },
            }
            for engine, data in report.items()
        },
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    return path


def _judge(name: str, result: dict[str, Any], scale: str) -> tuple[str, str]:
    rule = target_for(name)
    if rule is None or rule.limit(scale) is None:
        return "", ""
    stats = summary(result.get("ms", []))
    value = {
        "rows_per_s": result.get("rows_per_s"),
        "requests_per_s": result.get("requests_per_s"),
        "mb": result.get("mb"),
    }.get(rule.stat, stats.get(rule.stat))
    if value is None:
        return "", ""
    sign = ">=" if rule.stat.endswith("_per_s") else "<="
    verdict = "pass" if rule.passes(float(value), scale) else "MISS"
    return f"{sign} {rule.limit(scale):g}", verdict


def table(report: dict[str, Any], *, scale: str) -> str:
    heading = f"{'scenario':<62} {'db':<8} {'p50':>8} {'p95':>8} {'max':>8} {'thru':>12}"
    lines = [f"{heading} {'cpu':>6}  target     verdict"]
    names = list(dict.fromkeys(n for data in report.values() for n in data["scenarios"]))
    for name in names:
        for engine, data in report.items():
            result = data["scenarios"].get(name, {})
            if "skipped" in result:
                lines.append(f"{name[:62]:<62} {engine:<8} {result['skipped']}")
                continue
            if "error" in result:
                lines.append(f"{name[:62]:<62} {engine:<8} ERROR {result['error'][:80]}")
                continue
            s = summary(result.get("ms", []))
            if "rows_per_s" in result:
                thru = f"{result['rows_per_s']:,} r/s"
            elif "requests_per_s" in result:
                thru = f"{result['requests_per_s']:,} rq/s"
            elif "mb" in result:
                thru = f"{result['mb']} MB"
            else:
                thru = f"{s.get('per_s', '')}/s"
            limit, verdict = _judge(name, result, scale)
            lines.append(
                f"{name[:62]:<62} {engine:<8} {s.get('p50', ''):>8} {s.get('p95', ''):>8} "
                f"{s.get('max', ''):>8} {thru:>12} {result.get('worker_cpu_ms') or '':>6}  "
                f"{limit:<10} {verdict}"
            )
    return "\n".join(lines)


def markdown(files: list[Path]) -> str:
    """The results of saved runs as the table in BENCHMARKS.md: one row per scenario, the
    databases side by side (p95 in ms, or the throughput), the web workers' CPU per request,
    the target and the verdict per database."""
    runs: dict[str, dict[str, Any]] = {}
    scale = ""
    for file in files:
        payload = json.loads(file.read_text())
        scale = payload["scale"]
        runs.update({engine: data["scenarios"] for engine, data in payload["databases"].items()})
    engines = [e for e in ("sqlite", "postgres") if e in runs]
    head = " | ".join(f"{e} p50 / p95 (cpu)" for e in engines)
    lines = [f"| scenario | {head} | target | verdict |", "|---" * (len(engines) + 3) + "|"]
    names = list(dict.fromkeys(n for e in engines for n in runs[e]))
    for name in names:
        cells, verdicts, limit = [], [], ""
        for engine in engines:
            r = runs[engine].get(name, {})
            if "skipped" in r:
                cells.append(r["skipped"])
                continue
            if "error" in r:
                cells.append("error")
                continue
            if "rows_per_s" in r:
                cell = f"{r['rows_per_s']:,} rows/s"
                if "rows_per_cpu_s" in r:
                    cell += f" ({r['rows_per_cpu_s']:,} per CPU s)"
            elif "requests_per_s" in r:
                cell = f"{r['requests_per_s']:,} req/s (p95 {r.get('p95', '')} ms)"
            elif "mb" in r:
                cell = f"{r['mb']} MB"
            else:
                cell = f"{r.get('p50', '')} / {r.get('p95', '')}"
                if r.get("worker_cpu_ms") is not None:
                    cell += f" ({r['worker_cpu_ms']})"
            cells.append(cell)
            rule = target_for(name)
            if rule is not None and rule.limit(scale) is not None:
                value = r.get(rule.stat)
                if value is not None:
                    sign = ">=" if rule.stat.endswith("_per_s") else "<="
                    limit = f"{sign} {rule.limit(scale):g}" + (
                        " ms" if rule.stat in {"p95", "max"} else ""
                    )
                    verdicts.append(
                        f"{engine}: {'pass' if rule.passes(float(value), scale) else 'miss'}"
                    )
        lines.append(f"| {name} | {' | '.join(cells)} | {limit} | {', '.join(verdicts)} |")
    return "\n".join(lines)
