"""What a list page needs from this app: the views menu, the bulk toolbar, the default view.

A domain's list view calls `default_view_redirect` first and adds `list_tools` to its context;
its templates include `lists/_views_menu.html`, `lists/_bulk_toolbar.html` and a checkbox per
row (`lists/_row_checkbox.html`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sampo.lib.http import AuthedRequest
from sampo.lists import bulk, selectors
from sampo.lists.models import SavedView
from sampo.lists.registry import ListSpec, list_spec
from sampo.lists.services import clean_query

EXPORT_LABELS = {"csv": _("Export as CSV"), "xlsx": _("Export as Excel (XLSX)")}


def list_url(spec: ListSpec, query: str = "", **extra: Any) -> str:
    parts = [query] if query else []
    parts += [f"{key}={value}" for key, value in extra.items()]
    return reverse(spec.url_name) + (f"?{'&'.join(parts)}" if parts else "")


def view_url(view: SavedView) -> str:
    """The list with the view's filters, the view marked as the one in use."""
    return list_url(list_spec(view.list_key), view.query, view=view.pk)


def current_query(request: AuthedRequest) -> str:
    try:
        return clean_query(request.GET.urlencode())
    except ValidationError:
        return ""


def bulk_choices(spec: ListSpec, user: Any) -> list[tuple[str, Any]]:
    changes = bulk.actions_for(spec) if spec.can_change(user) else ()
    exports = [(f"export_{fmt}", EXPORT_LABELS[fmt]) for fmt in spec.export_formats]
    return [(action.code, action.label) for action in changes] + exports


def list_tools(request: AuthedRequest, key: str) -> dict[str, Any]:
    spec = list_spec(key)
    view = request.GET.get("view", "")
    return {
        "list_key": key,
        "list_query": current_query(request),
        "bulk_actions": bulk_choices(spec, request.user),
        **selectors.menu(
            user=request.user, list_key=key, current=int(view) if view.isdigit() else None
        ),
    }


def default_view_redirect(request: AuthedRequest, key: str) -> HttpResponse | None:
    """A list opened bare (no query string at all) opens the user's default view, if any.
    The menu's "no saved view" entry carries an empty `view=`, so it is never redirected."""
    if request.GET or getattr(request, "htmx", False):
        return None
    view = selectors.default_view(user=request.user, list_key=key)
    return HttpResponseRedirect(view_url(view)) if view is not None else None


def row_checkbox(record: Any) -> SafeString:
    """A row's bulk checkbox (as `lists/_row_checkbox.html` draws it), for lists that draw
    their rows in Python."""
    return format_html(
        '<td class="bulk-check"><input type="checkbox" name="ids" value="{}" form="bulk-form" '
        'data-bulk-row aria-label="{}"></td>',
        record.pk,
        gettext("Select %(name)s") % {"name": record},
    )
