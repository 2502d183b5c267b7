from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampo.accounts.models import User
from sampo.contacts.models import KeyFigure, Organization, Person, Tag
from sampo.core import custom_fields
from sampo.core.custom_fields import forms as custom_forms
from sampo.lib.forms import FieldsetsMixin


class CustomFieldsMixin:
    """The record type's custom fields as typed fields of the form, under their own legend."""

    record_type = ""
    custom_definitions: list[Any]

    def add_custom_fields(self) -> None:
        form: Any = self
        self.custom_definitions = custom_fields.definitions(self.record_type)
        custom_forms.add_fields(
            form, self.custom_definitions, custom_fields.values_of(form.instance)
        )
        if self.custom_definitions:
            keys = [field.key for field in self.custom_definitions]
            form.fieldsets = [(_("Additional details"), keys), *form.fieldsets]

    def custom_values(self) -> dict[str, Any]:
        return custom_forms.cleaned(self, self.custom_definitions)  # type: ignore[arg-type]


def _formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    # A website typed without a scheme is an https address.
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class OrganizationForm(CustomFieldsMixin, FieldsetsMixin, forms.ModelForm):
    record_type = "organization"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    fieldsets = [
        (_("Contact"), ["email", "phone", "website"]),
        (_("Visiting address"), ["street", "postal_code", "city", "country"]),
        (_("Postal address"), ["postal_street", "postal_postal_code", "postal_city"]),
        (_("Billing"), ["billing_street", "billing_postal_code", "billing_city", "billing_email"]),
        (_("More"), ["tags", "notes"]),
    ]

    class Meta:
        model = Organization
        formfield_callback = _formfield
        fields = [
            "name",
            "business_id",
            "relationship_types",
            "industry",
            "owner",
            "email",
            "phone",
            "website",
            "street",
            "postal_code",
            "city",
            "country",
            "postal_street",
            "postal_postal_code",
            "postal_city",
            "billing_street",
            "billing_postal_code",
            "billing_city",
            "billing_email",
            "tags",
            "notes",
        ]
        widgets = {
            "relationship_types": forms.CheckboxSelectMultiple,
            "tags": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].queryset = User.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["business_id"].help_text = _(
            "Y-tunnus (1234567-8), Hungarian tax number (12345678-1-42) or EU VAT number."
        )
        self.add_custom_fields()

    def _post_clean(self) -> None:
        # The service validates and normalizes (business ID, phone); the model's own
        # validation would reject values that are valid before normalization.
        pass


class PersonForm(CustomFieldsMixin, FieldsetsMixin, forms.ModelForm):
    record_type = "person"
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    fieldsets = [
        (_("Contact"), ["email", "phone", "mobile", "preferred_language"]),
        (_("Address"), ["street", "postal_code", "city", "country"]),
        (_("More"), ["tags", "notes"]),
    ]
    # Set when a person is added from an organization's page; a select of every organization
    # would not scale to a real register.
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(), required=False, widget=forms.HiddenInput
    )
    role = forms.CharField(
        label=pgettext_lazy("a person's job in an organization", "Role in the organization"),
        max_length=150,
        required=False,
    )

    class Meta:
        model = Person
        fields = [
            "first_name",
            "last_name",
            "job_title",
            "email",
            "phone",
            "mobile",
            "preferred_language",
            "owner",
            "street",
            "postal_code",
            "city",
            "country",
            "tags",
            "notes",
        ]
        widgets = {"tags": forms.CheckboxSelectMultiple, "notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner"].queryset = User.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.add_custom_fields()

    def _post_clean(self) -> None:
        pass


class MembershipForm(forms.Form):
    # Chosen from search results (contacts/_organization_options.html); the select of every
    # organization that a ModelChoiceField would render is never drawn.
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.all(),
        error_messages={"required": _("Search for the organization and choose it.")},
    )
    role = forms.CharField(
        label=pgettext_lazy("a person's job in an organization", "Role in the organization"),
        max_length=150,
        required=False,
    )
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)
    start_date = forms.DateField(
        label=_("Since"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class MembershipEndForm(forms.Form):
    end_date = forms.DateField(label=_("Left on"), widget=forms.DateInput(attrs={"type": "date"}))


# --- Admin: relationship types and tags ---------------------------------------------------------


class RelationshipTypeForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": _("New relationship type")}),
    )


class RelationshipTypeEditForm(RelationshipTypeForm):
    position = forms.IntegerField(
        label=_("Position"),
        min_value=0,
        max_value=32767,
        help_text=_("Types are listed from the smallest number up."),
    )


class TagForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=60, widget=forms.TextInput(attrs={"placeholder": _("New tag")})
    )


class TagMergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label=_("Merge into"),
        queryset=Tag.objects.none(),
        help_text=_("Everything tagged with this tag gets the chosen tag; this tag is removed."),
    )

    def __init__(self, *args: Any, tag: Tag, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = Tag.objects.exclude(pk=tag.pk).order_by("name")  # type: ignore[attr-defined]


# --- Key figures --------------------------------------------------------------------------------

CURRENCIES = ["EUR", "HUF", "SEK", "NOK", "DKK", "PLN", "CZK", "RON", "CHF", "GBP", "USD"]


def _currency_choices() -> list[tuple[str, str]]:
    codes = dict.fromkeys([settings.DEFAULT_CURRENCY, *CURRENCIES])
    return [(code, code) for code in codes]


def _money_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=16, decimal_places=2, required=False, localize=True
    )


class KeyFigureForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900)
    revenue = _money_field(_("Revenue"))
    operating_profit = _money_field(_("Operating profit"))
    employees = forms.IntegerField(label=_("Employees"), min_value=0, required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=_currency_choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("currency", settings.DEFAULT_CURRENCY)
        super().__init__(*args, **kwargs)
        latest = timezone.localdate().year + 1
        self.fields["year"].max_value = latest  # type: ignore[attr-defined]
        self.fields["year"].validators.append(MaxValueValidator(latest))
        self.fields["year"].widget.attrs["max"] = latest

    @classmethod
    def for_key_figure(cls, figure: KeyFigure) -> KeyFigureForm:
        return cls(
            initial={
                "year": figure.year,
                "revenue": figure.revenue,
                "operating_profit": figure.operating_profit,
                "employees": figure.employees,
                "currency": figure.currency,
            }
        )
