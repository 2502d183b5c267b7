from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from sampo.lib.http import AuthedRequest
from sampo.notifications import access, selectors, services


@require_GET
def notification_list(request: AuthedRequest) -> HttpResponse:
    number = request.GET.get("page", "1")
    page = selectors.notification_page(
        user=request.user, page=int(number) if number.isdigit() else 1
    )
    return render(request, "notifications/notification_list.html", {"page": page})


@require_GET
def notification_menu(request: AuthedRequest) -> HttpResponse:
    """The bell's dropdown, loaded by HTMX when it is opened."""
    latest = selectors.latest_notifications(user=request.user)
    return render(request, "notifications/_menu.html", {"notifications": latest})


@require_POST
def notification_open(request: AuthedRequest, pk: int) -> HttpResponse:
    notification = access.access_notification(request.user, pk)
    services.notification_mark_read(user=request.user, notification=notification)
    return redirect(notification.url or "notifications:list")


@require_POST
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    notification = access.access_notification(request.user, pk)
    services.notification_mark_read(user=request.user, notification=notification)
    return redirect("notifications:list")


@require_POST
def notification_read_all(request: AuthedRequest) -> HttpResponse:
    services.notification_mark_all_read(user=request.user)
    return redirect("notifications:list")
