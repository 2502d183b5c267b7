from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest
from sampo.lists import access, bulk, services
from sampo.lists.forms import QueryForm, SavedViewForm
from sampo.lists.models import SavedView
from sampo.lists.registry import ListSpec, list_spec
from sampo.lists.toolbar import list_url, view_url

# Ticked rows come from one page (50 rows); anything beyond this is not from our form.
MAX_IDS = 500
# The confirmation page counts the selection up to here, then says "more than".
COUNT_UP_TO = 10_000
SHOWN_BY_NAME = 5

# --- Saved views ----------------------------------------------------------------------------


def _view_of(request: AuthedRequest, key: str, pk: int, *, write: bool = False) -> SavedView:
    view = access.access_view(request.user, pk, write=write)
    if view.list_key != key:
        raise Http404
    return view


@require_GET
def view_open(request: AuthedRequest, key: str, pk: int) -> HttpResponse:
    return redirect(view_url(_view_of(request, key, pk)))


def _save_form(request: AuthedRequest, form: SavedViewForm, save: Any) -> SavedView | None:
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)  # type: ignore[no-any-return]
    except ValidationError as error:
        add_service_error(form, error)
        return None


@require_http_methods(["GET", "POST"])
def view_new(request: AuthedRequest, key: str) -> HttpResponse:
    """Save the list as it is now: the query string comes along from the list's link."""
    spec = list_spec(key)
    source = request.POST if request.method == "POST" else request.GET
    query = source.get("query", "") if request.method == "POST" else source.urlencode()
    form = SavedViewForm(request.POST or None, user=request.user)
    view = _save_form(
        request,
        form,
        lambda data: services.saved_view_create(
            actor=request.user,
            list_key=key,
            name=data["name"],
            query=query,
            sharing=data["sharing"],
            team=data["team"],
        ),
    )
    if view is not None:
        messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
        return redirect(view_url(view))
    context = {"form": form, "spec": spec, "query": query, "back": list_url(spec, query)}
    return render(request, "lists/view_form.html", context)


@require_http_methods(["GET", "POST"])
def view_edit(request: AuthedRequest, key: str, pk: int) -> HttpResponse:
    view = _view_of(request, key, pk, write=True)
    initial = {"name": view.name, "sharing": view.sharing, "team": view.team_id}
    form = SavedViewForm(request.POST or None, user=request.user, initial=initial)
    saved = _save_form(
        request,
        form,
        lambda data: services.saved_view_update(
            actor=request.user,
            view=view,
            name=data["name"],
            sharing=data["sharing"],
            team=data["team"],
        ),
    )
    if saved is not None:
        messages.success(request, _("The view was saved."))
        return redirect(view_url(saved))
    spec = list_spec(key)
    context = {"form": form, "spec": spec, "view": view, "back": view_url(view)}
    return render(request, "lists/view_form.html", context)


@require_POST
def view_update_query(request: AuthedRequest, key: str, pk: int) -> HttpResponse:
    view = _view_of(request, key, pk, write=True)
    form = QueryForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("These filters are too long to save."))
        services.saved_view_replace_query(
            actor=request.user, view=view, query=form.cleaned_data["query"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The view “%(name)s” now has these filters.") % {"name": view.name}
        )
    return redirect(view_url(view))


@require_POST
def view_delete(request: AuthedRequest, key: str, pk: int) -> HttpResponse:
    view = _view_of(request, key, pk, write=True)
    services.saved_view_delete(actor=request.user, view=view)
    messages.success(request, _("The view “%(name)s” was deleted.") % {"name": view.name})
    return redirect(list_url(list_spec(key), view.query, view=""))


@require_POST
def view_default(request: AuthedRequest, key: str, pk: int) -> HttpResponse:
    view = _view_of(request, key, pk)
    make_default = request.POST.get("default") == "1"
    services.default_view_set(actor=request.user, list_key=key, view=view if make_default else None)
    if make_default:
        messages.success(
            request, _("The list now opens with the view “%(name)s”.") % {"name": view.name}
        )
    else:
        messages.success(request, _("The list now opens without a saved view."))
    return redirect(view_url(view))


# --- Bulk actions ---------------------------------------------------------------------------


def _selection(request: AuthedRequest) -> bulk.Selection:
    ids = tuple(int(value) for value in request.POST.getlist("ids") if value.isdigit())
    if len(ids) > MAX_IDS:
        raise ValidationError(
            _("Too many rows were ticked. Select everything that matches the filters instead.")
        )
    return bulk.Selection(
        query=services.clean_query(request.POST.get("query", "")),
        ids=ids,
        everything=request.POST.get("everything") == "1",
    )


def _query_or_nothing(raw: str) -> str:
    try:
        return services.clean_query(raw)
    except ValidationError:
        return ""


def _report(request: AuthedRequest, result: bulk.BulkResult | None, trashed: bool) -> None:
    if result is None:
        messages.info(
            request,
            _(
                "That is a large selection: it runs in the background, and you will get a "
                "notification when it is done."
            ),
        )
        return
    count = result.changed
    if trashed:
        text = ngettext(
            "%(count)s record was moved to the trash. An admin can restore it from there.",
            "%(count)s records were moved to the trash. An admin can restore them from there.",
            count,
        )
    else:
        text = ngettext("%(count)s record changed.", "%(count)s records changed.", count)
    messages.success(request, text % {"count": count})
    if result.unchanged:
        messages.info(
            request,
            ngettext(
                "%(count)s record was left as it was (already so, or the change does not "
                "apply to it).",
                "%(count)s records were left as they were (already so, or the change does not "
                "apply to them).",
                result.unchanged,
            )
            % {"count": result.unchanged},
        )
    if result.refused:
        messages.warning(
            request,
            ngettext(
                "%(count)s record was skipped: you may not change it.",
                "%(count)s records were skipped: you may not change them.",
                result.refused,
            )
            % {"count": result.refused},
        )


def _export(request: AuthedRequest, spec: ListSpec, selection: bulk.Selection, fmt: str) -> Any:
    if fmt not in spec.export_formats or not request.user.is_active:
        raise PermissionDenied
    return spec.export(selection.rows(spec, request.user), fmt)


@require_POST
def bulk_action(request: AuthedRequest, key: str) -> HttpResponse:
    """Step one shows the action's form (or the confirmation) for the selection; step two
    (`confirmed`) runs it. An export answers the first step with the file."""
    spec = list_spec(key)
    back = list_url(spec, _query_or_nothing(request.POST.get("query", "")))
    code = request.POST.get("action", "")
    try:
        selection = _selection(request)
        if selection.is_empty:
            raise ValidationError(_("Tick the rows to act on first."))
        if code.startswith("export_"):
            return _export(request, spec, selection, code.removeprefix("export_"))
        action = bulk.action_for(spec, code)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if not spec.can_change(request.user):
        raise PermissionDenied
    confirmed = request.POST.get("confirmed") == "1"
    form = action.form(request.POST if confirmed else None, spec=spec, user=request.user)
    if confirmed and form.is_valid():
        try:
            result = bulk.bulk_submit(
                actor=request.user,
                spec=spec,
                code=code,
                selection=selection,
                params=form.params(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _report(request, result, trashed=code == "trash")
            return redirect(back)
    rows = selection.rows(spec, request.user)
    context = {
        "spec": spec,
        "action": action,
        "form": form,
        "selection": selection,
        "count": bulk.count_up_to(rows, COUNT_UP_TO + 1),
        "count_cap": COUNT_UP_TO,
        "first_rows": list(rows[:SHOWN_BY_NAME]),
        "back": back,
    }
    return render(request, "lists/bulk_action.html", context, status=400 if confirmed else 200)
