"""Small admin-managed lists (relationship types, activity types, later lost reasons and lead
sources): a name, a stable code and a position in the order the admin chose."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _


def clean_name(name: str, *, max_length: int) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Enter a name.")})
    if len(name) > max_length:
        raise ValidationError(
            {"name": _("Use at most %(count)d characters.") % {"count": max_length}}
        )
    return name


def unique_code(model: type[models.Model], name: str) -> str:
    base = slugify(name)[:30] or "type"
    manager: Any = model._default_manager
    taken = set(manager.filter(code__startswith=base).values_list("code", flat=True))
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


def _rows(rows: Any) -> Any:
    if isinstance(rows, type) and issubclass(rows, models.Model):
        return rows._default_manager.all()
    return rows


def next_position(rows: Any) -> int:
    """The position after the last of `rows` (a model's rows, or a queryset of some)."""
    last = _rows(rows).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def move(rows: Any, item: models.Model, offset: int) -> None:
    """Move an item up (-1) or down (+1) among `rows` (a model's rows, or a queryset of some,
    e.g. one pipeline's stages); their positions become 0, 1, 2..."""
    with transaction.atomic():
        items = list(_rows(rows).select_for_update().order_by("position", "pk"))
        index = next(i for i, other in enumerate(items) if other.pk == item.pk)
        target = min(max(index + offset, 0), len(items) - 1)
        items.insert(target, items.pop(index))
        for position, other in enumerate(items):
            other.position = position
        type(item)._default_manager.bulk_update(items, ["position"])


# A seeded label's source text, by the label's id: the labels are module constants, so the
# text never changes, and switching the language to read it costs more than a list row.
_UNTRANSLATED: dict[int, tuple[Any, str]] = {}


def _untranslated(seeded_label: Any) -> str:
    known = _UNTRANSLATED.get(id(seeded_label))
    if known is not None and known[0] is seeded_label:
        return known[1]
    with translation.override(None):
        text = str(seeded_label)
    _UNTRANSLATED[id(seeded_label)] = (seeded_label, text)
    return text


def display_name(name: str, seeded_label: Any) -> str:
    """A seeded item reads in the reader's language until an admin renames it; from then on
    it shows the admin's name, which is the same in every language."""
    if seeded_label is not None and name == _untranslated(seeded_label):
        return str(seeded_label)
    return name
