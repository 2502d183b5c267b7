"""Background entry points of sales, run by `sampo worker`; idempotent."""

from __future__ import annotations

from sampo.sales import services


def reopen_postponed() -> int:
    """Hourly: postponed opportunities whose day has come are back on their board."""
    return services.opportunities_reopen_postponed()
