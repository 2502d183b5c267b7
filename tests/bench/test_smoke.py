"""The benchmark suite still works: the `smoke` dataset is generated on this run's database
(SQLite, or PostgreSQL when SAMPO_DATABASE_URL points there) and every scenario runs end to
end against a real server. Judged on working only, never on time."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from bench import suite
from bench.databases import Target
from bench.scales import SCALES

pytestmark = pytest.mark.slow


@pytest.fixture
def target(tmp_path: Path) -> Target:
    url = os.environ.get("SAMPO_DATABASE_URL", "")
    if url.startswith("postgres"):
        server = url.rsplit("/", 1)[0]
        found = Target("postgres", "smoke", tmp_path, server, f"sampo_bench_test_{os.getpid()}")
    else:
        found = Target("sqlite", "smoke", tmp_path, "")
    yield found
    found.drop()


def test_it_runs_every_scenario_of_the_smoke_scale(target: Target) -> None:
    suite.generate(target, seed=7, anchor="2026-06-01")
    with (target.data_dir / "csv" / "people.csv").open(encoding="utf-8") as handle:
        assert sum(1 for _ in csv.reader(handle)) == SCALES["smoke"].people + 1

    report = suite.run(target, groups=set())

    scenarios = report["scenarios"]
    assert not {name: r["error"] for name, r in scenarios.items() if "error" in r}
    organizations = scenarios["import: organizations CSV"]
    people = scenarios["import: people CSV"]
    # The generated files pass the product's own validation: every row is accounted for, and
    # the only failures are people of an organization the duplicate guard held back.
    for result, rows in [
        (organizations, SCALES["smoke"].organizations),
        (people, SCALES["smoke"].people),
    ]:
        assert result["status"] == "done"
        assert (
            result["created"] + result["updated"] + result["duplicates"] + result["failed"] == rows
        )
        assert result["created"] > rows * 0.9
    assert organizations["failed"] == 0
    assert all("source id" in failure for failure in people["failures"])
    # Opportunities link to both by source id; each row is accounted for, most are created.
    opportunities = scenarios["import: opportunities CSV"]
    assert opportunities["status"] == "done"
    assert opportunities["rows"] == SCALES["smoke"].opportunities
    assert opportunities["created"] > SCALES["smoke"].opportunities * 0.8
    # Besides links to rows held back, a postponed row whose day (the anchor + 60 days) has
    # passed by the day the test runs is refused, as the product refuses it.
    assert all(
        "source id" in failure or "postponed" in failure for failure in opportunities["failures"]
    ), opportunities["failures"]
    for name in ["kanban of the busiest pipeline", "stage move", "My day", "search: business ID"]:
        assert len(scenarios[name]["ms"]) == SCALES["smoke"].requests
    assert scenarios["timeline of the biggest customer (first page)"]["ms"]
    assert scenarios["list under 16 clients (4 list pages, 2 workers x 4 threads)"]["ms"]
    assert scenarios["web worker RSS after the runs"]["mb"] > 0
    assert "pairs shown" in scenarios["duplicate scan (people)"]["note"]
    assert (
        report["manifest"]["big_organization_activities"] == SCALES["smoke"].big_customer_activities
    )
    assert scenarios["API: list under 16 clients"]["ms"]
    assert scenarios["API: list under 16 clients"]["note"].startswith("0 errors")
    paging = scenarios["API: list with cursor paging through 100,000 records"]
    assert paging["records"] == SCALES["smoke"].organizations
    # Served once the opportunities resource joins the API; until then said plainly.
    by_stage = scenarios["API: 80 opportunities by stage, newest first"]
    assert len(by_stage.get("ms", [])) == SCALES["smoke"].requests or by_stage[
        "skipped"
    ].startswith("not available")
    table = suite.table({target.engine: report}, scale="smoke")
    assert "stage move" in table
