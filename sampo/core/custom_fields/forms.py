"""Typed form fields for custom fields on a record's form, and the admin's forms that define
them."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sampo.core.custom_fields import values
from sampo.core.models import CustomField

Kind = CustomField.Kind
CURRENCIES = ["EUR", "HUF", "SEK", "NOK", "DKK", "PLN", "CZK", "RON", "CHF", "GBP", "USD"]


def currency_choices(first: str = "") -> list[tuple[str, str]]:
    codes = dict.fromkeys([c for c in (first, settings.DEFAULT_CURRENCY, *CURRENCIES) if c])
    return [(code, code) for code in codes]


class DecimalInput(forms.DecimalField):
    """A localized number that also takes the plain spaces people type between thousands
    ("12 500,50"), not only the locale's no-break space."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f]", "", value)
        return super().to_python(value)


class MoneyWidget(forms.MultiWidget):
    template_name = "core/custom_fields/money_widget.html"

    def __init__(self, currencies: list[tuple[str, str]]) -> None:
        super().__init__(
            [
                forms.TextInput(attrs={"inputmode": "decimal", "class": "money-amount"}),
                forms.Select(choices=currencies, attrs={"class": "money-currency"}),
            ]
        )

    def decompress(self, value: Any) -> list[Any]:
        return list(value) if value else [None, None]


class MoneyField(forms.MultiValueField):
    """An amount and its currency; cleans to (Decimal | None, currency)."""

    def __init__(self, *, currency: str, **kwargs: Any) -> None:
        choices = currency_choices(currency)
        fields = (
            DecimalInput(max_digits=16, decimal_places=2, localize=True),
            forms.ChoiceField(choices=choices),
        )
        kwargs.setdefault("initial", [None, currency])
        super().__init__(fields, widget=MoneyWidget(choices), require_all_fields=False, **kwargs)
        self.default_currency = currency

    def compress(self, data_list: list[Any]) -> Any:
        if not data_list or data_list[0] in (None, ""):
            return None
        return (data_list[0], data_list[1] or self.default_currency)


def _choices_with_current(field: CustomField, current: Any) -> list[tuple[str, str]]:
    """Open choices, plus an archived one the record holds (so saving keeps it)."""
    offered = values.open_choices(field)
    held = current if isinstance(current, list) else [current] if current else []
    labels = values.choice_labels(field)
    offered_keys = {key for key, _label in offered}
    return offered + [
        (key, labels[key]) for key in held if key in labels and key not in offered_keys
    ]


def form_field(field: CustomField, current: Any = None) -> forms.Field:
    """A typed form field for a custom field; `current` is the record's stored value."""
    common: dict[str, Any] = {
        "label": field.display_label,
        "required": field.required and field.kind != Kind.YES_NO,
        "help_text": field.help_text,
    }
    kind = field.kind
    if kind == Kind.TEXT:
        return forms.CharField(max_length=values.TEXT_MAX, **common)
    if kind == Kind.LONG_TEXT:
        return forms.CharField(
            max_length=values.LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}), **common
        )
    if kind == Kind.NUMBER:
        return DecimalInput(
            max_digits=20, decimal_places=6, localize=True,
            widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common,
        )  # fmt: skip
    if kind == Kind.MONEY:
        return MoneyField(currency=values.default_currency(field), **common)
    if kind == Kind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == Kind.CHOICE:
        choices = [("", "—"), *_choices_with_current(field, current)]
        return forms.ChoiceField(choices=choices, **common)
    if kind == Kind.MULTI_CHOICE:
        return forms.MultipleChoiceField(
            choices=_choices_with_current(field, current),
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    return forms.BooleanField(**common)


def add_fields(form: forms.BaseForm, fields: list[CustomField], stored: dict[str, Any]) -> None:
    """The custom fields on a record's form, each named by its key (cf_<code>), with the
    record's values as initial ones."""
    for field in fields:
        current = stored.get(field.code)
        form.fields[field.key] = form_field(field, current)
        form.initial.setdefault(field.key, values.from_json(field, current))


def cleaned(form: forms.BaseForm, fields: list[CustomField]) -> dict[str, Any]:
    """{code: stored value or None} of the custom fields on a valid form."""
    data: Any = form.cleaned_data
    return {f.code: values.to_json(f, data.get(f.key)) for f in fields if f.key in data}


# --- Admin: defining a field --------------------------------------------------------------------


class CustomFieldForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=100)
    label_fi = forms.CharField(label=_("Label in Finnish"), max_length=100, required=False)
    label_hu = forms.CharField(label=_("Label in Hungarian"), max_length=100, required=False)
    label_en = forms.CharField(label=_("Label in English"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=Kind.choices)
    currency = forms.ChoiceField(
        label=_("Default currency"),
        choices=currency_choices,
        required=False,
        help_text=_("For money fields."),
    )
    required = forms.BooleanField(label=_("Required"), required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=200, required=False)
    new_choices = forms.CharField(
        label=_("New choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For choice fields: one choice a line, added after the existing ones."),
    )

    def __init__(self, *args: Any, field: CustomField | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field = field
        if field is not None:
            # The type is fixed once values may exist: they are stored in its shape.
            del self.fields["kind"]
            for index, choice in enumerate(field.choices or []):
                key = choice["key"]
                number = {"number": index + 1}
                self.fields[f"order_{key}"] = forms.IntegerField(
                    label=_("Order"),
                    min_value=0,
                    max_value=9999,
                    initial=index + 1,
                    widget=forms.NumberInput(
                        attrs={
                            "aria-label": _("Order of choice %(number)d") % number,
                            "class": "choice-order",
                        }
                    ),
                )
                self.fields[f"choice_{key}"] = forms.CharField(
                    label=_("Choice"),
                    max_length=100,
                    initial=choice["label"],
                    widget=forms.TextInput(
                        attrs={"aria-label": _("Name of choice %(number)d") % number}
                    ),
                )
                self.fields[f"archive_{key}"] = forms.BooleanField(
                    label=_("Archived"),
                    required=False,
                    initial=bool(choice.get("archived")),
                    widget=forms.CheckboxInput(
                        attrs={"aria-label": _("Archive choice %(number)d") % number}
                    ),
                )

    def choice_rows(self) -> list[tuple[forms.BoundField, ...]]:
        if self.field is None:
            return []
        keys = [choice["key"] for choice in self.field.choices or []]
        return [
            (self[f"choice_{key}"], self[f"order_{key}"], self[f"archive_{key}"]) for key in keys
        ]

    def definition(self) -> dict[str, Any]:
        """The cleaned values as the services take them."""
        data = self.cleaned_data
        labels = {lang: data[f"label_{lang}"].strip() for lang in ("en", "fi", "hu")}
        result = {
            "label": data["label"],
            "labels": {lang: text for lang, text in labels.items() if text},
            "currency": data.get("currency") or "",
            "required": data["required"],
            "help_text": data["help_text"].strip(),
            "new_choices": [line.strip() for line in data["new_choices"].splitlines()],
        }
        if self.field is None:
            result["kind"] = data["kind"]
        else:
            choices = self.field.choices or []
            ordered = sorted(
                range(len(choices)), key=lambda i: (data[f"order_{choices[i]['key']}"], i)
            )
            result["choices"] = [
                {
                    "key": choices[i]["key"],
                    "label": data[f"choice_{choices[i]['key']}"],
                    "archived": data[f"archive_{choices[i]['key']}"],
                }
                for i in ordered
            ]
        return result
