"""The duplicate report, the merge page and a merge's summary with its undo."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampo.contacts import access, duplicates, merge
from sampo.contacts.models import Merge, Organization, Person
from sampo.lib.http import AuthedRequest

MODELS: dict[str, Any] = {"organizations": Organization, "people": Person}


def _model(kind: str) -> Any:
    if kind not in MODELS:
        raise Http404
    return MODELS[kind]


@require_GET
def duplicate_report(request: AuthedRequest, kind: str) -> HttpResponse:
    access.require_create(request.user)
    pairs = duplicates.duplicate_pairs(_model(kind))
    return render(request, "contacts/duplicates.html", {"pairs": pairs, "kind": kind})


def _records(request: AuthedRequest, kind: str) -> list[Any]:
    model = _model(kind)
    raw = request.GET.get("ids", "").split(",")
    pks = list(dict.fromkeys(int(pk) for pk in raw if pk.strip().isdigit()))
    getter = access.access_organization if model is Organization else access.access_person
    return [getter(request.user, pk) for pk in pks[:5]]


def _field_rows(model: Any, records: list[Any]) -> list[dict[str, Any]]:
    """Each field with every record's value; a choice only where the values differ."""
    rows = []
    for field in merge.mergeable_fields(model):
        values = [(record.pk, _shown(record, field)) for record in records]
        if all(value == "" for _, value in values):
            continue
        distinct = {value for _, value in values}
        rows.append({"field": field, "values": values, "differs": len(distinct) > 1})
    return rows


def _shown(record: Any, field: Any) -> str:
    if field.choices:
        return str(getattr(record, f"get_{field.name}_display")())
    value = getattr(record, field.name)
    return "" if value is None else str(value)


@require_http_methods(["GET", "POST"])
def merge_records(request: AuthedRequest, kind: str) -> HttpResponse:
    records = _records(request, kind)
    if len(records) < 2:
        messages.error(request, _("Choose at least two records to merge."))
        return redirect("contacts:duplicates", kind=kind)
    if request.method == "POST":
        chosen = request.POST.get("survivor", "")
        survivor = next((r for r in records if str(r.pk) == chosen), records[0])
        take = {
            name.removeprefix("take_"): int(value)
            for name in request.POST
            if name.startswith("take_") and (value := request.POST.get(name, "")).isdigit()
        }
        others = [r for r in records if r.pk != survivor.pk]
        try:
            done = merge.record_merge(
                actor=request.user, survivor=survivor, others=others, take=take
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            messages.error(request, _("You may merge only records you may edit."))
        else:
            messages.success(request, _("The records were merged."))
            return redirect("contacts:merge_detail", pk=done.pk)
    context = {
        "records": records,
        "rows": _field_rows(type(records[0]), records),
        "kind": kind,
        "can_merge": all(access.can_edit(request.user, r) for r in records),
    }
    return render(request, "contacts/merge_form.html", context)


def _merge(request: AuthedRequest, pk: int) -> tuple[Merge, Any]:
    done = get_object_or_404(Merge.objects.select_related("record_type", "merged_by"), pk=pk)
    model = done.record_type.model_class()
    survivor: Organization | Person
    if model is Organization:
        survivor = access.access_organization(request.user, done.survivor_id)
    elif model is Person:
        survivor = access.access_person(request.user, done.survivor_id)
    else:
        raise Http404
    return done, survivor


@require_GET
def merge_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    done, survivor = _merge(request, pk)
    context = {
        "merge": done,
        "survivor": survivor,
        "moved": merge.moved_summary(done),
        "can_undo": done.undone_at is None and access.can_edit(request.user, survivor),
    }
    return render(request, "contacts/merge_detail.html", context)


@require_POST
def merge_undo(request: AuthedRequest, pk: int) -> HttpResponse:
    done, _survivor = _merge(request, pk)
    try:
        merge.merge_undo(actor=request.user, merge=done)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        messages.error(request, _("You may undo only a merge of records you may edit."))
    else:
        messages.success(request, _("The merge was undone: the records are back as they were."))
    return redirect("contacts:merge_detail", pk=done.pk)
