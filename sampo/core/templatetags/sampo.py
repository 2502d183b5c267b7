"""Template helpers shared by every domain: money, history rows, events."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import format_currency
from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.utils import translation
from django.utils.translation import gettext as _

from sampo.core.events import event_label
from sampo.core.models import HistoryEntry

register = template.Library()

BABEL_LOCALES = {"en": "en_GB", "fi": "fi_FI", "hu": "hu_HU"}


@register.filter
def money(amount: Any, currency: str | None = None) -> str:
    """`{{ value|money:"EUR" }}` in the reader's locale: 1 234,50 € in Finnish."""
    if amount in (None, ""):
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    locale = BABEL_LOCALES.get(translation.get_language() or "en", "en_GB")
    return format_currency(value, currency or settings.DEFAULT_CURRENCY, locale=locale)


@register.simple_tag
def history_rows(entry: HistoryEntry) -> list[dict[str, str]]:
    """Each changed field of an entry with its translated name and old and new text."""
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    rows = []
    for change in entry.field_changes:
        try:
            label = str(model._meta.get_field(change["field"]).verbose_name)  # type: ignore[union-attr]
        except (FieldDoesNotExist, AttributeError):
            label = change["field"]
        rows.append(
            {
                "field": label,
                "old": _display(change.get("old"), change.get("old_label")),
                "new": _display(change.get("new"), change.get("new_label")),
            }
        )
    return rows


def _display(value: Any, label: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if label in (None, "") else str(label)


@register.simple_tag
def history_event(entry: HistoryEntry) -> str:
    return event_label(entry.event)
