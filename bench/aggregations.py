"""The pipeline forecast a sales manager's report runs: expected and weighted revenue of open
and won opportunities, summed in SQL by stage, by owner, by stage x owner and by stage x
month x owner. Sampo has no forecast screen yet (reports come later); these run the product's
selector such a screen would call (sales.selectors.pipeline_forecast), over every pipeline,
as the admin (who sees everything). Each returns its number of groups."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from bench.scales import ADMIN_EMAIL


@functools.cache
def _admin() -> Any:
    from sampo.accounts.models import User

    return User.objects.get(email=ADMIN_EMAIL)


def _forecast(*group: str) -> int:
    from sampo.sales.selectors import pipeline_forecast

    return len(pipeline_forecast(user=_admin(), by=group))


QUERIES: dict[str, Callable[[], int]] = {
    "forecast by stage": lambda: _forecast("stage"),
    "forecast by owner": lambda: _forecast("owner"),
    "forecast by stage x owner": lambda: _forecast("stage", "owner"),
    "forecast by stage x month x owner": lambda: _forecast("stage", "month", "owner"),
}
