from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from sampo.notifications.selectors import unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The bell's unread count, counted only if the page shows the bell (HTMX partials and
    pages without the header do not pay for it)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
