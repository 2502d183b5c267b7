"""The queries an API call makes, for the lists' query-count tests (the same for 1 row as
for 50)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(api: Any, path: str, params: dict[str, Any] | None = None) -> int:
    api.get(path, params)  # the token's first use records its last-used time
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, params)
    assert response.status_code == 200, response.content
    return len(queries.captured_queries)
