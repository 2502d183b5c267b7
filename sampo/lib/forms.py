"""Putting a service's refusal back on the form the user filled in."""

from __future__ import annotations

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
