"""Reads for the views menu above a list and the list's default view."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from sampo.accounts.models import User
from sampo.lists import access
from sampo.lists.models import DefaultView, SavedView


def views_for(*, user: User, list_key: str) -> QuerySet[SavedView]:
    """The views of a list the user can see, theirs first, each with `is_default`."""
    mine_by_default = DefaultView.objects.filter(user=user, list_key=list_key, view=OuterRef("pk"))
    return (
        SavedView.objects.filter(access.visible(user), list_key=list_key)
        .select_related("owner", "team")
        .annotate(is_default=Exists(mine_by_default))
    )


def default_view(*, user: User, list_key: str) -> SavedView | None:
    """The user's default view of the list, while they can still see it."""
    rows = SavedView.objects.filter(
        access.visible(user), list_key=list_key, defaults__user=user, defaults__list_key=list_key
    )
    return rows.first()


def menu(*, user: User, list_key: str, current: int | None) -> dict[str, Any]:
    views = list(views_for(user=user, list_key=list_key))
    mine = [view for view in views if view.owner_id == user.pk]
    shared = [view for view in views if view.owner_id != user.pk]
    mine.sort(key=lambda view: view.name.casefold())
    shared.sort(key=lambda view: view.name.casefold())
    current_view = next((view for view in views if view.pk == current), None)
    return {
        "my_views": mine,
        "shared_views": shared,
        "current_view": current_view,
        "can_change_current": current_view is not None and access.can_change(user, current_view),
    }
