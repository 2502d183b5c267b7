"""The lead fields a web form can ask, as form fields for the visitor, in the visitor's
language. One place for their limits, so the public page, the snippet and the JSON endpoint
check the same thing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from sampo.contacts.models import COUNTRY_CHOICES
from sampo.sales.models import ProductInterest
from sampo.sales.webforms.models import WebForm

# The honeypot: a field people never see (hidden by CSS, skipped by keyboard and screen
# readers) and bots fill in. Not called "email" or "website", which browsers autofill.
HONEYPOT = "hp_leave_this_empty"
LANGUAGE_FIELD = "lang"

MAX_LENGTHS = {
    "contact_name": 200,
    "company_name": 200,
    "email": 254,
    "phone": 40,
    "description": 5000,
}
PHONE = RegexValidator(r"^\+?[0-9 ()./-]{5,40}$", _("Enter a phone number, e.g. +358 40 123 4567."))


def label_of(spec: dict[str, Any], language: str) -> str:
    typed = (spec.get("labels") or {}).get(language, "")
    return typed or str(WebForm.FIELD_LABELS[spec["name"]])


def product_choices() -> list[tuple[str, str]]:
    return [(p.code, str(p)) for p in ProductInterest.objects.order_by("position", "name")]


def _field(name: str, *, required: bool, label: str) -> forms.Field:
    if name == "email":
        return forms.EmailField(label=label, required=required, max_length=MAX_LENGTHS[name])
    if name == "phone":
        return forms.CharField(
            label=label, required=required, max_length=MAX_LENGTHS[name], validators=[PHONE]
        )
    if name == "country":
        return forms.ChoiceField(
            label=label, required=required, choices=[("", "—"), *COUNTRY_CHOICES]
        )
    if name == "product_interest":
        return forms.ChoiceField(
            label=label, required=required, choices=[("", "—"), *product_choices()]
        )
    if name == "description":
        return forms.CharField(
            label=label,
            required=required,
            max_length=MAX_LENGTHS[name],
            widget=forms.Textarea(attrs={"rows": 5}),
        )
    return forms.CharField(label=label, required=required, max_length=MAX_LENGTHS[name])


class SubmissionForm(forms.Form):
    """What a visitor sends: the fields the web form asks, labelled in `language`."""

    def __init__(self, data: Any, *, web_form: WebForm, language: str) -> None:
        super().__init__(data, auto_id="sampo-%s")
        for spec in web_form.fields:
            self.fields[spec["name"]] = _field(
                spec["name"], required=bool(spec.get("required")), label=label_of(spec, language)
            )


def display_value(name: str, value: str) -> str:
    """A stored answer as a person reads it: a country or product by its name."""
    if name == "country":
        return str(dict(COUNTRY_CHOICES).get(value, value))
    if name == "product_interest":
        return dict(product_choices()).get(value, value)
    return value


def answers(web_form: WebForm, data: dict[str, Any], language: str) -> list[tuple[str, str]]:
    """(label, answer) for each field the form asks that was answered, in the form's order."""
    return [
        (label_of(spec, language), display_value(spec["name"], str(data[spec["name"]])))
        for spec in web_form.fields
        if data.get(spec["name"])
    ]
