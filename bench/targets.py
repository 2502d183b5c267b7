"""The targets of issues 3, 4, 5 and 8 on this 2-core machine, per scale. A scenario is
judged by the first rule whose prefix its name starts with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Target:
    stat: str  # "p95" (ms), "max" (ms), "rows_per_s", "requests_per_s", "mb"
    medium: float | None
    large: float | None
    source: str

    def limit(self, scale: str) -> float | None:
        return self.large if scale == "large" else self.medium

    def passes(self, value: float, scale: str) -> bool | None:
        limit = self.limit(scale)
        if limit is None:
            return None
        if self.stat in {"rows_per_s", "requests_per_s"}:
            return value >= limit
        return value <= limit


RULES: list[tuple[str, Target]] = [
    ("API: 80 opportunities", Target("p95", 5, 10, "#8")),
    ("API: list under 16 clients", Target("requests_per_s", 800, 500, "#8")),
    ("API: list with cursor paging", Target("p95", None, None, "#8 names it, sets no number")),
    ("import:", Target("rows_per_s", 10_000, 10_000, "#8, #3")),
    (
        "list under 16 clients",
        Target("requests_per_s", None, None, "#8 sets 800/500 req/s for the API list"),
    ),
    ("list:", Target("p95", 30, 50, "#8 (#3: 50 ms at large)")),
    ("search:", Target("p95", 10, 25, "#8 (fragment), #3")),
    ("360", Target("p95", 60, 100, "#8")),
    ("timeline", Target("p95", 100, 100, "#4 (first page, 10,000 activities)")),
    ("kanban", Target("p95", 100, 150, "#8, #5")),
    ("stage move", Target("p95", 20, 20, "#8, #5")),
    ("duplicate scan", Target("max", None, 120_000, "#8, #3 (large)")),
    ("forecast by stage x month", Target("p95", None, None, "#8 names it, sets no number")),
    ("forecast by stage x owner", Target("p95", 30, 100, "#8")),
    ("forecast by stage", Target("p95", 15, 100, "#8")),
    ("forecast by owner", Target("p95", 20, 100, "#8")),
    ("web worker RSS", Target("mb", 150, 250, "#8")),
]

# Scenarios of the issues the product cannot run yet (none now; kept for the next ones).
NOT_YET: dict[str, str] = {}


def target_for(name: str) -> Target | None:
    for prefix, target in RULES:
        if name.startswith(prefix):
            return target
    return None
