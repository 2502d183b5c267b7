from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sampo.core import audit, selectors, trash
from sampo.core.forms import AuditFilterForm
from sampo.core.search import search_all
from sampo.lib.http import AuthedRequest, as_download, in_current_locale
from sampo.lib.spreadsheets import iter_csv


@require_GET
def home(request: AuthedRequest) -> HttpResponse:
    context = {
        "teams": request.user.teams.all(),
        "recent_changes": selectors.recent_changes_by(request.user),
    }
    return render(request, "core/home.html", context)


@require_GET
def search(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    groups = search_all(user=request.user, query=query, limit=5 if request.htmx else 25)
    template = "core/search_results.html" if request.htmx else "core/search.html"
    return render(request, template, {"query": query.strip(), "groups": groups})


@require_GET
def trash_list(request: AuthedRequest) -> HttpResponse:
    items = trash.trash_items(user=request.user)
    return render(
        request,
        "core/trash.html",
        {"items": items, "settings_retention_days": settings.TRASH_RETENTION_DAYS},
    )


@require_POST
def trash_restore(request: AuthedRequest, content_type_id: int, pk: int) -> HttpResponse:
    record = trash.trash_restore(user=request.user, content_type_id=content_type_id, pk=pk)
    messages.success(request, _("“%(record)s” was restored.") % {"record": record})
    return redirect("core:trash")


@require_GET
def audit_list(request: AuthedRequest) -> HttpResponse:
    audit.require_admin(request.user)
    form = AuditFilterForm(request.GET or None)
    page = selectors.audit_page(
        user=request.user, filters=form.filters(), page=_page_number(request)
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "core/audit.html", context)


@require_GET
def audit_export_csv(request: AuthedRequest) -> StreamingHttpResponse:
    audit.require_admin(request.user)
    rows = selectors.audit_rows(user=request.user, filters=AuditFilterForm(request.GET).filters())
    filters = {key: request.GET.getlist(key) for key in request.GET}
    audit.audit_record("audit_exported", actor=request.user, details={"filters": filters})
    headers = [
        _("When"), _("User"), _("Action"), _("Record"), _("Details"), _("IP address"),
        _("Browser"),
    ]  # fmt: skip
    lines = iter_csv(
        (
            (e.created_at, e.actor_label, audit.action_label(e.action), e.target_label,
             json.dumps(e.details, ensure_ascii=False), e.ip_address, e.user_agent)
            for e in rows.iterator(chunk_size=2000)
        ),
        headers,
    )  # fmt: skip
    response = StreamingHttpResponse(
        in_current_locale(lines), content_type="text/csv; charset=utf-8"
    )
    return as_download(response, f"audit-{timezone.localdate():%Y-%m-%d}.csv")


def _page_number(request: HttpRequest) -> int:
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and process managers: the web process is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
