"""The pipeline forecast a sales manager's report runs: expected and weighted revenue of open
and won opportunities, summed in SQL by stage, by owner, by stage x owner and by stage x
month x owner. Sampo has no forecast screen yet (reports come later); these are the ORM
queries such a screen would run, over every pipeline, with the same visibility an admin has.
Each returns its number of groups."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import DecimalField, ExpressionWrapper, F, QuerySet, Sum
from django.db.models.functions import TruncMonth

from sampo.sales.models import Opportunity


def _forecast(*group: str) -> int:
    rows: QuerySet = (
        Opportunity.objects.filter(status__in=["open", "won"])
        .annotate(month=TruncMonth("expected_close_date"))
        .order_by()
        .values(*group)
        .annotate(
            expected=Sum("expected_revenue"),
            weighted=Sum(
                ExpressionWrapper(
                    F("expected_revenue") * F("probability") / 100,
                    output_field=DecimalField(max_digits=20, decimal_places=2),
                )
            ),
        )
    )
    return len(list(rows))


QUERIES: dict[str, Callable[[], int]] = {
    "forecast by stage": lambda: _forecast("stage_id"),
    "forecast by owner": lambda: _forecast("owner_id"),
    "forecast by stage x owner": lambda: _forecast("stage_id", "owner_id"),
    "forecast by stage x month x owner": lambda: _forecast("stage_id", "month", "owner_id"),
}
