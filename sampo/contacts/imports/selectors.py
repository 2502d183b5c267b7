"""Reads of imports for their screens; each user sees their own, an admin everyone's."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from sampo.accounts.models import User
from sampo.contacts.imports.models import ImportBatch, ImportRow
from sampo.contacts.selectors import Page, _page

ROW_PAGE_SIZE = 50


def _visible(user: User) -> QuerySet[ImportBatch]:
    batches = ImportBatch.objects.select_related("created_by", "undone_by")
    return batches if user.is_admin else batches.filter(created_by=user)


def import_batch_list(*, user: User, page: int = 1) -> Page:
    return _page(_visible(user).defer("headers", "mapping"), page)


def access_import_batch(user: User, pk: int) -> ImportBatch:
    """The only way a request gets a batch: one's own, or any for an admin; else 404."""
    batch = _visible(user).filter(pk=pk).first() if user.is_active else None
    if batch is None:
        raise Http404
    return batch


def import_problem_rows(*, batch: ImportBatch, page: int = 1) -> Page:
    shown = batch.rows.exclude(
        outcome__in=[
            ImportRow.Outcome.CREATED,
            ImportRow.Outcome.UPDATED,
            ImportRow.Outcome.UNCHANGED,
        ]
    ).order_by("row_number")
    return _page(shown, page, ROW_PAGE_SIZE)
