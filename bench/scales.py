"""How big each dataset is. `smoke` is for CI (seconds); `medium` and `large` are the sizes
the targets of issues 3, 4, 5 and 8 are set for."""

from __future__ import annotations

from dataclasses import dataclass

# Every generated user's password, and the admin the scenarios log in as.
PASSWORD = "bench-password"
ADMIN_EMAIL = "admin@bench.example"


@dataclass(frozen=True)
class Scale:
    name: str
    organizations: int
    people: int
    opportunities: int
    activities: int
    users: int
    teams: int
    # Activities of the biggest customer (organization number 1): the 360° page and timeline.
    big_customer_activities: int
    # Measured requests per scenario after warm-up, and seconds of the concurrent load test.
    requests: int
    warmup: int
    load_seconds: float
    duplicate_scan_runs: int


SCALES = {
    s.name: s
    for s in [
        Scale("smoke", 60, 150, 200, 1_500, 8, 2, 300, 3, 1, 2.0, 1),
        Scale("small", 2_000, 6_000, 10_000, 30_000, 20, 4, 2_000, 30, 5, 10.0, 3),
        Scale("medium", 20_000, 60_000, 100_000, 300_000, 50, 6, 12_000, 20, 3, 15.0, 2),
        Scale("large", 200_000, 1_000_000, 1_000_000, 5_000_000, 50, 6, 30_000, 60, 10, 30.0, 1),
    ]
}
