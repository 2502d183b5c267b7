"""Template helpers shared by every domain: money, history rows, events, audit events."""

from __future__ import annotations

import functools
import json
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any

from babel import Locale
from babel.numbers import format_currency
from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import ForeignObjectRel
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from sampo.core import custom_fields
from sampo.core.audit import action_label
from sampo.core.events import FIELD_LABELS, event_label
from sampo.core.models import HistoryEntry
from sampo.lib.markdown import render_markdown
from sampo.lib.phones import display_phone

register = template.Library()

BABEL_LOCALES = {"en": "en_GB", "fi": "fi_FI", "hu": "hu_HU"}
# Parsed once: given a locale's name, babel parses it again for every amount formatted.


@register.filter
def money(amount: Any, currency: str | None = None) -> str:
    """`{{ value|money:"EUR" }}` in the reader's locale: 1 234,50 € in Finnish."""
    if amount in (None, ""):
        return ""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return str(amount)
    locale = _babel_locale(BABEL_LOCALES.get(translation.get_language() or "en", "en_GB"))
    return format_currency(value, currency or settings.DEFAULT_CURRENCY, locale=locale)


@functools.cache
def _babel_locale(name: str) -> Locale:
    """Parsed once: given a name, Babel parses the locale on every call (a board formats a
    hundred amounts; this made each about 2.5 times as fast)."""
    return Locale.parse(name)


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """A user's Markdown as sanitized HTML."""
    return render_markdown(text or "")


@register.filter
def phone(e164: str) -> str:
    """An E.164 number in the national format of this installation's country."""
    return display_phone(e164, reader_region=settings.DEFAULT_PHONE_REGION) if e164 else ""


@register.simple_tag(takes_context=True)
def history_rows(context: template.Context, entry: HistoryEntry) -> list[dict[str, str]]:
    """Each changed field of an entry with its translated name and old and new text."""
    model = ContentType.objects.get_for_id(entry.content_type_id).model_class()
    return [
        {
            "field": _custom_label(context, model, change["field"])
            or _field_label(model, change["field"]),
            **_old_and_new(model, change),
        }
        for change in entry.field_changes
    ]


def _custom_label(context: template.Context, model: Any, name: str) -> str:
    """A custom field's label as it reads now; the definitions are read once a page."""
    if not name.startswith(custom_fields.CUSTOM_PREFIX):
        return ""
    render_context: Any = context.render_context
    cache = render_context.setdefault("custom_field_labels", {})
    if model not in cache:
        key = custom_fields.record_type_of(model)
        fields = custom_fields.definitions(key, archived=True) if key else []
        cache[model] = {field.code: field.display_label for field in fields}
    code = name.removeprefix(custom_fields.CUSTOM_PREFIX)
    return str(cache[model].get(code, code))


def _field_label(model: Any, name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except (FieldDoesNotExist, AttributeError):
        # A reverse relation is found by its accessor ("teams"), not by its field name.
        field = next(
            (r for r in model._meta.related_objects if r.get_accessor_name() == name), None
        )
        if field is None:
            return str(FIELD_LABELS.get(name, name))
    if isinstance(field, ForeignObjectRel):
        related_model: Any = field.related_model
        return str(related_model._meta.verbose_name_plural)
    return str(field.verbose_name)


def _old_and_new(model: Any, change: dict[str, Any]) -> dict[str, str]:
    # A choice is shown in the reader's language, whatever language it was saved in.
    try:
        choices = dict(model._meta.get_field(change["field"]).flatchoices or ())
    except (FieldDoesNotExist, AttributeError):
        choices = {}
    return {
        side: str(choices[value])
        if isinstance(value, str | int) and value in choices
        else _display(value, change.get(f"{side}_label"))
        for side, value in (("old", change.get("old")), ("new", change.get("new")))
    }


def _display(value: Any, label: Any) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "" if label in (None, "") else str(label)


@register.simple_tag
def history_event(entry: HistoryEntry) -> str:
    return event_label(entry.event)


# Translators: a line in "Your recent changes": record type, record name, what happened to it.
SUMMARIES = {
    HistoryEntry.Action.CREATED: pgettext_lazy("recent change", "%(type)s “%(record)s” created"),
    HistoryEntry.Action.CHANGED: pgettext_lazy("recent change", "%(type)s “%(record)s” changed"),
    HistoryEntry.Action.DELETED: pgettext_lazy(
        "recent change", "%(type)s “%(record)s” moved to the trash"
    ),
    HistoryEntry.Action.RESTORED: pgettext_lazy(
        "recent change", "%(type)s “%(record)s” restored from the trash"
    ),
    HistoryEntry.Action.EVENT: pgettext_lazy("recent change", "%(type)s “%(record)s”: %(event)s"),
}


@register.simple_tag
def history_summary(entry: HistoryEntry) -> str:
    record_type = ContentType.objects.get_for_id(entry.content_type_id).name
    return str(SUMMARIES[HistoryEntry.Action(entry.action)]) % {
        "type": capfirst(record_type),
        "record": entry.record_label,
        "event": event_label(entry.event),
    }


@register.filter
def audit_action(code: str) -> str:
    return action_label(code)


@register.filter
def audit_details(details: Any) -> str:
    """An audit event's details as one line of text ("format: csv · what: people")."""
    if not isinstance(details, dict):
        return ""
    parts = []
    for key, value in details.items():
        if value in (None, "", [], {}):
            continue
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}: {shown}")
    return " · ".join(parts)


@register.simple_tag
def options(items: Any, selected: Any, label: str = "") -> SafeString:
    """`<option>`s of a filter menu. Each item is a (value, text) pair, or a record: its pk
    the value, the record (or its attribute `label`) the text; the one whose value is
    `selected` is selected. Drawn in Python: a menu of a hundred industries cost more as
    template tags, or through format_html, than the list's rows."""
    parts = []
    for item in items:
        if isinstance(item, tuple):
            value, text = item
        else:
            value, text = item.pk, getattr(item, label) if label else item
        chosen = " selected" if value == selected else ""
        parts.append(f'<option value="{escape(str(value))}"{chosen}>{escape(str(text))}</option>')
    return mark_safe("".join(parts))  # noqa: S308  (every value and text is escaped above)
