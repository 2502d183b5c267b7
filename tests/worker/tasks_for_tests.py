"""Tasks only the tests enqueue. The worker started by a test imports this module because the
test puts the repository on its PYTHONPATH."""

from __future__ import annotations

import time
from pathlib import Path


def slow_marker(path: str, seconds: float) -> None:
    """Leaves a trace of each run in `path`: "started", then "finished" unless interrupted."""
    marker = Path(path)
    with marker.open("a") as file:
        file.write("started\n")
    time.sleep(seconds)
    with marker.open("a") as file:
        file.write("finished\n")
