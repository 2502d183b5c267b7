"""Reads for the web form admin pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from sampo.sales.webforms.models import Submission, WebForm


def web_form_rows() -> QuerySet[WebForm, Any]:
    """Every form with its submissions counted (all, and those that made no lead yet)."""
    return (
        WebForm.objects.select_related("pipeline", "source")
        .annotate(
            submission_count=Count("submissions"),
            failed_count=Count(
                "submissions", filter=Q(submissions__status=Submission.Status.FAILED)
            ),
        )
        .order_by("name", "id")
    )


def submission_counts(web_form: WebForm) -> dict[str, int]:
    rows = (
        Submission.objects.filter(web_form=web_form)
        .values("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def submission_page(
    *, web_form: WebForm, status: str, page: int, per_page: int
) -> tuple[list[Submission], bool]:
    """One page of a form's submissions, newest first, and whether there is a next page
    (without counting them all)."""
    rows = Submission.objects.filter(web_form=web_form).select_related("lead__owner")
    if status:
        rows = rows.filter(status=status)
    start = (page - 1) * per_page
    found = list(rows.order_by("-created_at", "-id")[start : start + per_page + 1])
    return found[:per_page], len(found) > per_page
