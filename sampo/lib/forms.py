"""Form helpers: a service's refusal put back on the form, fieldsets, several files."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from sampo.core.records import StaleEditError


def add_service_error(form: forms.BaseForm, error: ValidationError | StaleEditError) -> None:
    if isinstance(error, StaleEditError):
        form.add_error(None, str(error.message))
        return
    if hasattr(error, "error_dict"):
        for field, field_errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error)


class FieldsetsMixin:
    """Groups a long form's fields under legends; includes/form.html draws them.

    `fieldsets` is a list of (legend, [field names]); fields not named come first, ungrouped.
    """

    fieldsets: list[tuple[Any, list[str]]] = []

    def grouped_fields(self) -> list[tuple[Any, list[forms.BoundField]]]:
        form: Any = self
        named = {name for _, names in self.fieldsets for name in names}
        loose = [f for f in form.visible_fields() if f.name not in named]
        groups = [(None, loose)] if loose else []
        for legend, names in self.fieldsets:
            fields = [form[name] for name in names if name in form.fields]
            if fields:
                groups.append((legend, fields))
        return groups


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; cleans to a list (empty when none was chosen)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)] if data else []
