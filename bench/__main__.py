"""`python -m bench [generate|run|all] --scale medium --db both`: build the dataset (once; it
is reused until --regenerate) and run the scenarios, printing a table and writing JSON under
bench/results/."""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path

from bench import suite
from bench.databases import ENGINES, Target
from bench.scales import SCALES

ROOT = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "command",
        nargs="?",
        default="all",
        choices=["generate", "run", "all", "profile", "markdown"],
    )
    parser.add_argument("--scale", default="smoke", choices=list(SCALES))
    parser.add_argument("--db", default="both", choices=[*ENGINES, "both"])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--anchor",
        default="",
        help="the dataset's 'today' (YYYY-MM-DD); default: the day it is generated",
    )
    parser.add_argument("--data", default=str(ROOT / "data"), help="datasets and CSV files")
    parser.add_argument("--results", default=str(ROOT / "results"))
    parser.add_argument(
        "--pg-url",
        default="postgres://postgres@127.0.0.1:5432",
        help="PostgreSQL server; the suite creates sampo_bench_<scale>* databases there",
    )
    parser.add_argument("--regenerate", action="store_true", help="build the dataset again")
    parser.add_argument("--only", default="", help="comma-separated scenario groups to run")
    parser.add_argument("files", nargs="*", help="markdown: saved JSON results to tabulate")
    args = parser.parse_args(argv)

    if args.command == "markdown":
        print(suite.markdown([Path(f) for f in args.files]))
        return 0
    engines = ENGINES if args.db == "both" else (args.db,)
    data = Path(args.data) / args.scale
    anchor = args.anchor or datetime.datetime.now(datetime.UTC).date().isoformat()
    report: dict[str, object] = {}
    for engine in engines:
        target = Target(engine, args.scale, data, args.pg_url)
        if args.command in {"generate", "all"} and (args.regenerate or not target.exists()):
            suite.generate(target, seed=args.seed, anchor=anchor)
        if args.command == "profile":
            for path, found in suite.profile(target).items():
                print(
                    f"{target.engine} {path}: {found['status']}, {found['ms']} ms "
                    f"({found['cpu_ms']} ms CPU), "
                    f"{found['queries']} queries, {found['sql_ms']} ms in SQL"
                )
                for query in found["slowest"]:
                    print(f"    {query['ms']} ms  {query['sql'][:300]}")
        if args.command in {"run", "all"}:
            groups = set(filter(None, args.only.split(",")))
            report[engine] = suite.run(target, groups=groups)
    if report:
        path = suite.save(report, scale=args.scale, folder=Path(args.results))
        print(suite.table(report, scale=args.scale))
        print(f"\nJSON: {path}")
        failures = [
            f"{engine}: {name}"
            for engine, results in report.items()
            for name, result in results["scenarios"].items()  # type: ignore[index]
            if result.get("error")
        ]
        if failures:
            print("Scenarios that did not work:\n  " + "\n  ".join(failures), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
