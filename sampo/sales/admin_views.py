"""Admin pages of sales: pipelines with their stages, lead sources and lost reasons."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from sampo.accounts.access import require_admin
from sampo.core.records import StaleEditError
from sampo.core.selectors import history_for
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest
from sampo.sales import selectors, services
from sampo.sales.forms import ChoiceForm, PipelineForm, StageDeleteForm, StageForm
from sampo.sales.models import (
    LeadSource,
    LostReason,
    Opportunity,
    Pipeline,
    ProductInterest,
    SeededChoice,
    Stage,
)

# The two admin-configurable lists, by their URL part.
CHOICE_LISTS: dict[str, dict[str, Any]] = {
    "lead-sources": {
        "model": LeadSource,
        "field": "source",
        "title": gettext_lazy("Lead sources"),
        "intro": gettext_lazy("Where leads come from. Each opportunity can name one."),
        "add": gettext_lazy("Add a lead source"),
    },
    "product-interests": {
        "model": ProductInterest,
        "field": "product_interest",
        "title": gettext_lazy("Product interests"),
        "intro": gettext_lazy(
            "The products a lead can ask about: web forms offer them, assignment rules route "
            "by them."
        ),
        "add": gettext_lazy("Add a product interest"),
    },
    "lost-reasons": {
        "model": LostReason,
        "field": "lost_reason",
        "title": gettext_lazy("Lost reasons"),
        "intro": gettext_lazy("Why opportunities are lost; asked for when one is marked lost."),
        "add": gettext_lazy("Add a lost reason"),
    },
}


def _pipeline(request: AuthedRequest, pk: int) -> Pipeline:
    require_admin(request.user)
    return get_object_or_404(Pipeline.objects.select_related("team"), pk=pk)


def _stage(request: AuthedRequest, pk: int) -> Stage:
    require_admin(request.user)
    return get_object_or_404(Stage.objects.select_related("pipeline"), pk=pk)


@require_http_methods(["GET", "POST"])
def pipeline_list(request: AuthedRequest) -> HttpResponse:
    require_admin(request.user)
    form = PipelineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            pipeline = services.pipeline_create(actor=request.user, **data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The pipeline was added with default stages."))
            return redirect("sales:admin_pipeline", pk=pipeline.pk)
    pipelines = Pipeline.objects.select_related("team").prefetch_related("stages")
    return render(request, "sales/admin/pipeline_list.html", {"pipelines": pipelines, "form": form})


@require_http_methods(["GET", "POST"])
def pipeline_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    pipeline = _pipeline(request, pk)
    form = PipelineForm(
        request.POST or None, instance=pipeline, initial={"version": pipeline.version}
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.pipeline_update(
                actor=request.user,
                pipeline=pipeline,
                values=values,
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("sales:admin_pipeline", pk=pk)
    return render(request, "sales/admin/pipeline_form.html", _pipeline_context(pipeline, form))


def _pipeline_context(pipeline: Pipeline, form: Any, stage_form: Any = None) -> dict[str, Any]:
    counts = selectors.stage_counts(pipeline)
    stages = list(pipeline.stages.order_by("position", "id"))
    for stage in stages:
        stage.opportunity_count = counts.get(stage.pk, 0)  # type: ignore[attr-defined]
    return {
        "pipeline": pipeline,
        "form": form,
        "stages": stages,
        "stage_form": stage_form or StageForm(),
        "history": history_for(pipeline),
        "in_use": Opportunity.all_objects.filter(pipeline=pipeline).exists(),
    }


@require_POST
def pipeline_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    pipeline = _pipeline(request, pk)
    name = str(pipeline)
    try:
        services.pipeline_delete(actor=request.user, pipeline=pipeline)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("sales:admin_pipeline", pk=pk)
    messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
    return redirect("sales:admin_pipelines")


@require_POST
def stage_add(request: AuthedRequest, pk: int) -> HttpResponse:
    pipeline = _pipeline(request, pk)
    stage_form = StageForm(request.POST)
    if stage_form.is_valid():
        try:
            services.stage_create(actor=request.user, pipeline=pipeline, **stage_form.cleaned_data)
        except ValidationError as error:
            add_service_error(stage_form, error)
        else:
            messages.success(request, _("The stage was added."))
            return redirect("sales:admin_pipeline", pk=pk)
    form = PipelineForm(instance=pipeline, initial={"version": pipeline.version})
    context = _pipeline_context(pipeline, form, stage_form)
    return render(request, "sales/admin/pipeline_form.html", context, status=400)


@require_http_methods(["GET", "POST"])
def stage_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    initial = {"name": str(stage), "probability": stage.probability}
    form = StageForm(request.POST or None, initial=initial)
    delete_form = StageDeleteForm(stage=stage)
    if request.method == "POST" and form.is_valid():
        try:
            services.stage_update(actor=request.user, stage=stage, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("sales:admin_pipeline", pk=stage.pipeline_id)
    context = {"form": form, "delete_form": delete_form, "stage": stage}
    return render(request, "sales/admin/stage_form.html", context)


@require_POST
def pipeline_move(request: AuthedRequest, pk: int, offset: int) -> HttpResponse:
    pipeline = _pipeline(request, pk)
    services.pipeline_move(actor=request.user, pipeline=pipeline, offset=offset)
    return redirect("sales:admin_pipelines")


@require_POST
def stage_move(request: AuthedRequest, pk: int, offset: int) -> HttpResponse:
    stage = _stage(request, pk)
    services.stage_move(actor=request.user, stage=stage, offset=offset)
    return redirect("sales:admin_pipeline", pk=stage.pipeline_id)


@require_POST
def stage_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    stage = _stage(request, pk)
    delete_form = StageDeleteForm(request.POST, stage=stage)
    name = str(stage)
    if delete_form.is_valid():
        try:
            services.stage_delete(
                actor=request.user, stage=stage, move_to=delete_form.cleaned_data["move_to"]
            )
        except ValidationError as error:
            add_service_error(delete_form, error)
        else:
            messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
            return redirect("sales:admin_pipeline", pk=stage.pipeline_id)
    form = StageForm(initial={"name": name, "probability": stage.probability})
    context = {"form": form, "delete_form": delete_form, "stage": stage}
    return render(request, "sales/admin/stage_form.html", context, status=400)


# --- Lead sources and lost reasons ----------------------------------------------------------


def _choice_list(kind: str) -> dict[str, Any]:
    found = CHOICE_LISTS.get(kind)
    if found is None:
        raise Http404
    return found


def _choice(request: AuthedRequest, kind: str, pk: int) -> SeededChoice:
    require_admin(request.user)
    model = _choice_list(kind)["model"]
    return get_object_or_404(model, pk=pk)


@require_http_methods(["GET", "POST"])
def choice_list(request: AuthedRequest, kind: str) -> HttpResponse:
    require_admin(request.user)
    config = _choice_list(kind)
    form = ChoiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.choice_create(actor=request.user, model=config["model"], **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Added."))
            return redirect("sales:admin_choices", kind=kind)
    rows = selectors.choice_rows(config["model"], field=config["field"])
    context = {"rows": rows, "form": form, "kind": kind, **config}
    return render(request, "sales/admin/choice_list.html", context)


@require_http_methods(["GET", "POST"])
def choice_edit(request: AuthedRequest, kind: str, pk: int) -> HttpResponse:
    choice = _choice(request, kind, pk)
    form = ChoiceForm(request.POST or None, initial={"name": str(choice)})
    if request.method == "POST" and form.is_valid():
        try:
            services.choice_rename(actor=request.user, choice=choice, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("sales:admin_choices", kind=kind)
    context = {"form": form, "choice": choice, "kind": kind, **_choice_list(kind)}
    return render(request, "sales/admin/choice_form.html", context)


@require_POST
def choice_move(request: AuthedRequest, kind: str, pk: int, offset: int) -> HttpResponse:
    choice = _choice(request, kind, pk)
    services.choice_move(actor=request.user, choice=choice, offset=offset)
    return redirect("sales:admin_choices", kind=kind)


@require_POST
def choice_delete(request: AuthedRequest, kind: str, pk: int) -> HttpResponse:
    choice = _choice(request, kind, pk)
    name = str(choice)
    try:
        services.choice_delete(actor=request.user, choice=choice)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
    return redirect("sales:admin_choices", kind=kind)
