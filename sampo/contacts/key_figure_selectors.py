"""Reads of organizations' key figures, with the growth a reader wants to see. Kept apart from
selectors.py while the list and export work there settles; fold in later."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sampo.contacts.models import KeyFigure, Organization

RECENT_YEARS = 5


@dataclass
class KeyFigureRow:
    figure: KeyFigure
    revenue_growth: Decimal | None  # percent against the year before; None if not comparable


def revenue_growth(current: KeyFigure, previous: KeyFigure | None) -> Decimal | None:
    """Revenue change in percent, one decimal, against the immediately preceding year in the
    same currency; a gap year, a missing or zero revenue gives nothing to compare."""
    if previous is None or previous.year != current.year - 1:
        return None
    if current.currency != previous.currency:
        return None
    if current.revenue is None or not previous.revenue:
        return None
    change = (current.revenue - previous.revenue) / abs(previous.revenue) * 100
    return change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def recent_key_figures(
    organization: Organization, *, years: int = RECENT_YEARS
) -> list[KeyFigureRow]:
    """The latest `years` years, newest first; one year more is read for the oldest's growth."""
    figures = list(
        KeyFigure.objects.filter(organization=organization).order_by("-year")[: years + 1]
    )
    previous = [*figures[1:], None]
    return [
        KeyFigureRow(figure, revenue_growth(figure, before))
        for figure, before in zip(figures[:years], previous, strict=False)
    ]
