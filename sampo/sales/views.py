from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampo.accounts.models import Team
from sampo.activities.regarding import key_for
from sampo.activities.selectors import timeline_panel
from sampo.contacts.models import Organization, Person, Tag
from sampo.contacts.services import DuplicateError
from sampo.core.audit import audit_export
from sampo.core.records import StaleEditError
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest, in_current_locale
from sampo.lib.spreadsheets import iter_csv, write_xlsx
from sampo.lists import toolbar
from sampo.sales import access, exports, selectors, services
from sampo.sales.forms import (
    LostForm,
    MoveForm,
    OpportunityForm,
    PostponeForm,
    QualifyForm,
    QuickCreateForm,
    VersionForm,
)
from sampo.sales.models import Opportunity, Pipeline

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _date(value: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def _filters(request: AuthedRequest, *, list_view: bool = False) -> selectors.Filters:
    return filters_from(request.GET, list_view=list_view)


def filters_from(params: QueryDict, *, list_view: bool = False) -> selectors.Filters:
    """The board's or the list's filters from a query string (also a saved view's or a bulk
    selection's)."""
    status = params.get("status", Opportunity.Status.OPEN)
    return selectors.Filters(
        search=params.get("q", "").strip(),
        owner=_int(params.get("owner")),
        team=_int(params.get("team")),
        tag=_int(params.get("tag")),
        pipeline=_int(params.get("pipeline")) if list_view else None,
        status=status if status in Opportunity.Status.values or status == "" else "open",
        kind=params.get("kind", "") if params.get("kind") in Opportunity.Kind.values else "",
        close_after=_date(params.get("close_after")),
        close_before=_date(params.get("close_before")),
        mine=params.get("mine") == "1",
        sort=params.get("sort", ""),
    )


def _filter_query(request: AuthedRequest, *drop: str) -> str:
    query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in {"page", "offset", *drop} and any(values):
            query.setlist(key, [value for value in values if value])
    return query.urlencode()


def _filter_choices() -> dict[str, Any]:
    return {
        "owners": selectors.owner_choices(),
        "teams": Team.objects.only("id", "name"),
        "tags": Tag.objects.all(),
        "statuses": Opportunity.Status.choices,
        "kinds": Opportunity.Kind.choices,
    }


def _safe_next(request: AuthedRequest, fallback: str) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(next_url, {request.get_host()}):
        return next_url
    return fallback


# --- Board ----------------------------------------------------------------------------------


@require_GET
def board_default(request: AuthedRequest) -> HttpResponse:
    try:
        pipeline = services.default_pipeline_for(request.user)
    except ValidationError:
        return render(request, "sales/no_pipeline.html")
    return redirect("sales:board", pk=pipeline.pk)


@require_GET
def board(request: AuthedRequest, pk: int) -> HttpResponse:
    pipeline = access.access_pipeline(request.user, pk)
    filters = _filters(request)
    columns = selectors.pipeline_board(user=request.user, pipeline=pipeline, filters=filters)
    context = {
        "pipeline": pipeline,
        "pipelines": selectors.pipelines_for(request.user),
        "columns": columns,
        "filters": filters,
        "filter_query": _filter_query(request),
        "can_create": access.can_create(request.user),
        "today": timezone.localdate(),
        "quick_form": QuickCreateForm(initial={"pipeline": pipeline.pk}),
        **_filter_choices(),
    }
    if _wants_board_only(request):
        response = render(request, "sales/_board.html", context)
        # The address bar shows the filters without the empty fields the form sent.
        query = context["filter_query"]
        response["HX-Push-Url"] = f"{request.path}?{query}" if query else request.path
    else:
        response = render(request, "sales/board.html", context)
    # A page cached for a plain request must not be reused for htmx's and the other way round.
    patch_vary_headers(response, ["HX-Request"])
    return response


def _wants_board_only(request: AuthedRequest) -> bool:
    """The filters changed in place (htmx): only the columns, not the page. A history restore
    htmx could not serve from its cache asks for the whole page."""
    htmx = request.htmx
    return bool(htmx) and not htmx.history_restore_request and htmx.target == "board"


@require_GET
def board_column(request: AuthedRequest, pk: int, stage_pk: int) -> HttpResponse:
    """The next cards of a long column (htmx, lazy loading)."""
    pipeline = access.access_pipeline(request.user, pk)
    stage = pipeline.stages.filter(pk=stage_pk).first()
    if stage is None:
        raise Http404
    offset = _int(request.GET.get("offset")) or 0
    cards, has_more = selectors.board_column_cards(
        user=request.user, pipeline=pipeline, stage=stage, filters=_filters(request), offset=offset
    )
    context = {
        "pipeline": pipeline,
        "stage": stage,
        "cards": cards,
        "has_more": has_more,
        "next_offset": offset + len(cards),
        "filter_query": _filter_query(request),
        "today": timezone.localdate(),
    }
    return render(request, "sales/_column_cards.html", context)


def _wants_json(request: AuthedRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _column_heads(request: AuthedRequest, pipeline: Pipeline, stages: list[int]) -> dict[str, str]:
    """The heads of the columns a move changed, counted with the board's filters."""
    columns = selectors.board_column_totals(
        user=request.user, pipeline=pipeline, filters=_filters(request), stages=stages
    )
    # Without the request: a head needs none of the context processors (menus, notifications),
    # which ran twice a move.
    return {
        str(column.stage.pk): render_to_string("sales/_column_head.html", {"column": column})
        for column in columns
    }


def _plan_url(opportunity: Opportunity) -> str:
    query = urlencode({"mode": "plan", "regarding": key_for(opportunity)})
    return f"{reverse('activities:new')}?{query}"


@require_POST
def opportunity_move(request: AuthedRequest, pk: int) -> HttpResponse:
    """Into another stage: from the board (JSON in and out, the card moved already) or from
    the record page (a form)."""
    opportunity = access.access_opportunity(request.user, pk, write=True)
    moved_from = opportunity.stage_id
    form = MoveForm(request.POST, pipeline=opportunity.pipeline)
    error: str | None = None
    if not form.is_valid():
        error = _("Choose a stage of this pipeline.")
    else:
        try:
            opportunity = services.opportunity_move_stage(
                actor=request.user,
                opportunity=opportunity,
                stage=form.cleaned_data["stage"],
                expected_version=form.cleaned_data["version"],
            )
        except services.NextStepRequiredError as refused:
            error = " ".join(refused.messages)
            if _wants_json(request):
                return JsonResponse(
                    {"error": error, "plan_url": _plan_url(opportunity)}, status=409
                )
        except StaleEditError as stale:
            error = str(stale.message)
        except ValidationError as refused:
            error = " ".join(refused.messages)
    if _wants_json(request):
        if error:
            return JsonResponse({"error": error}, status=409)
        return JsonResponse(
            {
                "version": opportunity.version,
                "probability": opportunity.probability,
                "heads": _column_heads(
                    request,
                    opportunity.pipeline,
                    [stage for stage in (moved_from, opportunity.stage_id) if stage is not None],
                ),
            }
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Moved to “%(stage)s”.") % {"stage": opportunity.stage})
    return redirect(opportunity.get_absolute_url())


# --- Quick create, list, exports ------------------------------------------------------------


@require_POST
def quick_create(request: AuthedRequest) -> HttpResponse:
    access.require_create(request.user)
    form = QuickCreateForm(request.POST)
    fallback = reverse("sales:home")
    if not form.is_valid():
        messages.error(request, _("Enter a title for the new opportunity."))
        return redirect(_safe_next(request, fallback))
    values = {k: v for k, v in form.cleaned_data.items() if v is not None}
    person = values.get("person")
    if person is not None and "organization" not in values:
        membership = person.memberships.filter(end_date__isnull=True).order_by("-is_primary")
        first = membership.select_related("organization").first()
        if first is not None:
            values["organization"] = first.organization
    try:
        opportunity = services.opportunity_create(actor=request.user, values=values)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_safe_next(request, fallback))
    if opportunity.is_lead:
        messages.success(request, _("The lead “%(title)s” was added.") % {"title": opportunity})
    else:
        messages.success(
            request, _("The opportunity “%(title)s” was added.") % {"title": opportunity}
        )
    return redirect(_safe_next(request, opportunity.get_absolute_url()))


def _download(response: Any, stem: str, extension: str) -> Any:
    filename = f"{stem}-{timezone.localdate().isoformat()}.{extension}"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    return response


def _export_links(request: AuthedRequest) -> list[tuple[str, str]]:
    query = _filter_query(request)
    suffix = f"?{query}" if query else ""
    return [
        (_("CSV file"), reverse("sales:export_csv") + suffix),
        (_("Excel file (XLSX)"), reverse("sales:export_xlsx") + suffix),
    ]


@require_GET
def opportunity_list(request: AuthedRequest) -> HttpResponse:
    if default := toolbar.default_view_redirect(request, "opportunities"):
        return default
    filters = _filters(request, list_view=True)
    page = selectors.opportunity_list(
        user=request.user, filters=filters, page=_int(request.GET.get("page")) or 1
    )
    context = {
        "page": page,
        "filters": filters,
        "pipelines": selectors.pipelines_for(request.user),
        "can_create": access.can_create(request.user),
        "export_links": _export_links(request),
        "today": timezone.localdate(),
        "quick_form": QuickCreateForm(),
        **_filter_choices(),
        **toolbar.list_tools(request, "opportunities"),
    }
    return render(request, "sales/opportunity_list.html", context)


def list_file(rows: Any, fmt: str) -> HttpResponseBase:
    """Opportunities as a CSV or XLSX download (the export menu and the bulk export)."""
    columns = exports.OPPORTUNITY_COLUMNS
    if fmt == "csv":
        lines = iter_csv(exports.table(columns, rows), exports.headers(columns))
        response = StreamingHttpResponse(
            in_current_locale(lines), content_type="text/csv; charset=utf-8"
        )
        return _download(response, "opportunities", "csv")
    content = write_xlsx(exports.table(columns, rows), exports.headers(columns), _("Opportunities"))
    return _download(HttpResponse(content, content_type=XLSX_TYPE), "opportunities", "xlsx")


@require_GET
def export_csv(request: AuthedRequest) -> HttpResponseBase:
    audit_export(request, what="opportunities", file_format="csv")
    rows = selectors.opportunity_rows(user=request.user, filters=_filters(request, list_view=True))
    return list_file(rows, "csv")


@require_GET
def export_xlsx(request: AuthedRequest) -> HttpResponseBase:
    audit_export(request, what="opportunities", file_format="xlsx")
    rows = selectors.opportunity_rows(user=request.user, filters=_filters(request, list_view=True))
    return list_file(rows, "xlsx")


# --- The record page ------------------------------------------------------------------------


def _detail_context(request: AuthedRequest, opportunity: Opportunity, **forms: Any) -> dict:
    version = {"version": opportunity.version}
    can_edit = access.can_edit(request.user, opportunity)
    return {
        "opportunity": opportunity,
        "can_edit": can_edit,
        "can_delete": access.can_delete(request.user, opportunity),
        "timeline": timeline_panel(request.user, record=opportunity),
        "stage_path": selectors.stage_path(opportunity),
        "has_next_step": services.has_planned_next_step(opportunity),
        "tags": opportunity.tags.all(),
        "move_form": forms.get("move_form")
        or MoveForm(
            initial={**version, "stage": opportunity.stage_id}, pipeline=opportunity.pipeline
        ),
        "lost_form": forms.get("lost_form") or LostForm(initial=version),
        "postpone_form": forms.get("postpone_form") or PostponeForm(initial=version),
        "version_form": forms.get("version_form") or VersionForm(initial=version),
        "plan_url": _plan_url(opportunity),
    }


@require_GET
def opportunity_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    opportunity = access.access_opportunity(request.user, pk)
    return render(request, "sales/opportunity_detail.html", _detail_context(request, opportunity))


@require_http_methods(["GET", "POST"])
def opportunity_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    opportunity = access.access_opportunity(request.user, pk, write=True)
    initial: dict[str, Any] = {"version": opportunity.version}
    if not opportunity.probability_overridden:
        initial["probability"] = None
    form = OpportunityForm(request.POST or None, instance=opportunity, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.opportunity_update(
                actor=request.user,
                opportunity=opportunity,
                values=values,
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(opportunity.get_absolute_url())
    context = {"form": form, "opportunity": opportunity}
    return render(request, "sales/opportunity_form.html", context)


def _outcome(
    request: AuthedRequest, opportunity: Opportunity, form: Any, run: Any, done: str, form_key: str
) -> HttpResponse:
    """Run an outcome service from a form on the record page; a refusal shows the page again
    with the form and its error, so that nothing typed is lost."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect(opportunity.get_absolute_url())
    context = _detail_context(request, opportunity, **{form_key: form})
    return render(request, "sales/opportunity_detail.html", context, status=400)


@require_POST
def opportunity_won(request: AuthedRequest, pk: int) -> HttpResponse:
    opportunity = access.access_opportunity(request.user, pk, write=True)
    return _outcome(
        request,
        opportunity,
        VersionForm(request.POST),
        lambda data: services.opportunity_mark_won(
            actor=request.user, opportunity=opportunity, expected_version=data["version"]
        ),
        _("Marked as won. Well done!"),
        "version_form",
    )


@require_POST
def opportunity_lost(request: AuthedRequest, pk: int) -> HttpResponse:
    opportunity = access.access_opportunity(request.user, pk, write=True)
    return _outcome(
        request,
        opportunity,
        LostForm(request.POST),
        lambda data: services.opportunity_mark_lost(
            actor=request.user,
            opportunity=opportunity,
            reason=data["reason"],
            note=data["note"],
            expected_version=data["version"],
        ),
        _("Marked as lost."),
        "lost_form",
    )


@require_POST
def opportunity_postpone(request: AuthedRequest, pk: int) -> HttpResponse:
    opportunity = access.access_opportunity(request.user, pk, write=True)
    return _outcome(
        request,
        opportunity,
        PostponeForm(request.POST),
        lambda data: services.opportunity_postpone(
            actor=request.user,
            opportunity=opportunity,
            until=data["until"],
            note=data["note"],
            expected_version=data["version"],
        ),
        _("Postponed. A follow-up is planned for that day, and it comes back to the board then."),
        "postpone_form",
    )


@require_POST
def opportunity_reopen(request: AuthedRequest, pk: int) -> HttpResponse:
    opportunity = access.access_opportunity(request.user, pk, write=True)
    return _outcome(
        request,
        opportunity,
        VersionForm(request.POST),
        lambda data: services.opportunity_reopen(
            actor=request.user, opportunity=opportunity, expected_version=data["version"]
        ),
        _("Reopened."),
        "version_form",
    )


@require_POST
def opportunity_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    opportunity = access.access_opportunity(request.user, pk)
    services.opportunity_trash(actor=request.user, opportunity=opportunity)
    messages.success(
        request,
        _("“%(name)s” was moved to the trash. An admin can restore it from there.")
        % {"name": opportunity.title},
    )
    return redirect("sales:list")


def _qualify(request: AuthedRequest, lead: Opportunity, form: QualifyForm) -> Any:
    data = form.cleaned_data
    # "Use this one" on a likely duplicate the guard offered.
    chosen_organization = Organization.objects.filter(
        pk=_int(request.POST.get("use_organization")) or 0
    ).first()
    chosen_person = Person.objects.filter(pk=_int(request.POST.get("use_person")) or 0).first()
    organization = chosen_organization or data["organization"]
    new_organization = None
    if organization is None and data["organization_name"].strip():
        new_organization = {"name": data["organization_name"]}
    new_person = None
    if chosen_person is None and data["last_name"].strip():
        new_person = {
            key: data[key] for key in ("first_name", "last_name", "email", "phone") if data[key]
        }
    return services.lead_qualify(
        actor=request.user,
        lead=lead,
        organization=organization,
        person=chosen_person,
        new_organization=new_organization,
        new_person=new_person,
        allow_duplicate=request.POST.get("confirm_duplicate") == "on",
        stage=data["stage"],
        expected_version=data["version"],
    )


@require_http_methods(["GET", "POST"])
def lead_qualify(request: AuthedRequest, pk: int) -> HttpResponse:
    lead = access.access_opportunity(request.user, pk, write=True)
    if not lead.is_lead:
        raise PermissionDenied
    initial = {
        "version": lead.version,
        "organization": lead.organization_id,
        "organization_name": "" if lead.organization_id else lead.company_name,
        **({} if lead.person_id else services.lead_person_values(lead)),
    }
    form = QualifyForm(request.POST or None, initial=initial, pipeline=lead.pipeline)
    matches: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            _qualify(request, lead, form)
        except DuplicateError as duplicate:
            matches = duplicate.matches
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The lead is now an opportunity."))
            return redirect(lead.get_absolute_url())
    context = {"form": form, "lead": lead, "matches": matches}
    return render(request, "sales/lead_qualify.html", context)
