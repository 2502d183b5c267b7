"""The import wizard: upload → mapping → preview → run on the worker → summary (and undo)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampo.contacts import access
from sampo.contacts.imports import selectors, services
from sampo.contacts.imports.forms import MappingForm, UploadForm
from sampo.contacts.imports.models import ImportBatch
from sampo.contacts.views import _csv_download, _int, _xlsx_download
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest
from sampo.lib.spreadsheets import iter_csv, write_xlsx

PREVIEW_ROWS = 20


@require_GET
def import_list(request: AuthedRequest) -> HttpResponse:
    page = selectors.import_batch_list(user=request.user, page=_int(request.GET.get("page")) or 1)
    context = {"page": page, "can_create": access.can_create(request.user)}
    return render(request, "contacts/imports/import_list.html", context)


@require_http_methods(["GET", "POST"])
def import_new(request: AuthedRequest) -> HttpResponse:
    access.require_create(request.user)
    initial = {"kind": request.GET.get("kind", "organizations")}
    form = UploadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_upload(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                content=upload.read(),
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("contacts:import_mapping", pk=batch.pk)
    return render(request, "contacts/imports/import_new.html", {"form": form})


def _samples(batch: ImportBatch) -> list[list[str]]:
    """A few values of each column, to recognise it by."""
    table = services.import_table(batch)
    return [
        [row[index] for row in table.rows[:3] if index < len(row) and row[index].strip()]
        for index in range(len(batch.headers))
    ]


@require_http_methods(["GET", "POST"])
def import_mapping(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = selectors.access_import_batch(request.user, pk)
    if batch.status != ImportBatch.Status.DRAFT:
        return redirect("contacts:import", pk=pk)
    form = MappingForm(request.POST or None, batch=batch)
    if request.method == "POST" and form.is_valid():
        options = services.ImportOptions(
            form.cleaned_data["match"], form.cleaned_data["on_match"], form.cleaned_data["source"]
        )
        try:
            services.import_configure(
                actor=request.user, batch=batch, mapping=form.mapping(), options=options
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("contacts:import_preview", pk=pk)
    columns = [
        (form[name], samples)
        for name, samples in zip(form.column_fields, _samples(batch), strict=True)
    ]
    context = {"batch": batch, "form": form, "columns": columns}
    return render(request, "contacts/imports/import_mapping.html", context)


@require_GET
def import_preview(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = selectors.access_import_batch(request.user, pk)
    if batch.status != ImportBatch.Status.DRAFT:
        return redirect("contacts:import", pk=pk)
    results = services.import_preview(actor=request.user, batch=batch, limit=PREVIEW_ROWS)
    table = services.import_table(batch)
    mapped = [index for index, target in enumerate(batch.mapping) if target]
    rows = [
        (result, [_cell(table.rows[result.row_number - 2], index) for index in mapped])
        for result in results
    ]
    context = {"batch": batch, "rows": rows, "headers": [batch.headers[i] for i in mapped]}
    return render(request, "contacts/imports/import_preview.html", context)


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


@require_POST
def import_run(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = selectors.access_import_batch(request.user, pk)
    services.import_start(actor=request.user, batch=batch)
    return redirect("contacts:import", pk=pk)


@require_GET
def import_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = selectors.access_import_batch(request.user, pk)
    if batch.status == ImportBatch.Status.DRAFT:
        return redirect("contacts:import_mapping", pk=pk)
    context = {
        "batch": batch,
        "can_undo": services.can_undo(request.user, batch),
        "undo_deadline": services.undo_deadline(batch),
        "problems": selectors.import_problem_rows(
            batch=batch, page=_int(request.GET.get("page")) or 1
        ),
    }
    template = (
        "contacts/imports/_progress.html" if request.htmx else "contacts/imports/import_detail.html"
    )
    return render(request, template, context)


@require_GET
def import_failed_csv(request: AuthedRequest, pk: int) -> StreamingHttpResponse:
    batch = selectors.access_import_batch(request.user, pk)
    headers, rows = services.failed_rows(batch)
    return _csv_download(iter_csv(rows, headers), f"{batch.file_name}-not-imported.csv")


@require_GET
def import_failed_xlsx(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = selectors.access_import_batch(request.user, pk)
    headers, rows = services.failed_rows(batch)
    content = write_xlsx(rows, headers, _("Not imported"))
    return _xlsx_download(content, f"{batch.file_name}-not-imported.xlsx")


@require_POST
def import_undo(request: AuthedRequest, pk: int) -> HttpResponse:
    batch = selectors.access_import_batch(request.user, pk)
    try:
        result = services.import_undo(actor=request.user, batch=batch)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "The import was undone: %(trashed)d records moved to the trash, "
                "%(restored)d records got their earlier values back."
            )
            % {"trashed": result.trashed, "restored": result.restored},
        )
    return redirect("contacts:import", pk=pk)
