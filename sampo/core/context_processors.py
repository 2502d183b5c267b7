from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sampo.core import navigation


def navigation_menus(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "main_menu": navigation.menu_for(user, "main", request.path),
        "admin_menu": navigation.menu_for(user, "admin", request.path),
    }
