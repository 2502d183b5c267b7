from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sampo.core import selectors, trash
from sampo.core.search import search_all
from sampo.lib.http import AuthedRequest


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


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and process managers: the web process is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
