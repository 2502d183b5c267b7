"""The "nobody left hanging" page, in its own module beside views.py."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sampo.activities import unattended
from sampo.lib.http import AuthedRequest


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@require_GET
def unattended_list(request: AuthedRequest) -> HttpResponse:
    page = unattended.unattended_page(
        user=request.user,
        today=timezone.localdate(),
        source_key=request.GET.get("type", ""),
        owner=_int(request.GET.get("owner")),
        page=_int(request.GET.get("page")) or 1,
    )
    context = {
        "page": page,
        "sources": unattended.sources(),
        "owners": unattended.owner_choices(request.user),
        "owner": _int(request.GET.get("owner")),
    }
    return render(request, "activities/unattended.html", context)
