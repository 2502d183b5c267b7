"""The rows of further emails and phones in the organization and person forms."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampo.contacts import contact_details
from sampo.contacts.models import ContactDetail

PREFIX = "details"


class ContactDetailForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=ContactDetail.Kind.choices,
        widget=forms.Select(attrs={"aria-label": _("Email or phone")}),
    )
    label = forms.ChoiceField(
        label=pgettext_lazy("label of an email or phone", "Label"),
        choices=ContactDetail.Label.choices,
        initial=ContactDetail.Label.WORK,
        widget=forms.Select(
            attrs={"aria-label": pgettext_lazy("label of an email or phone", "Label")}
        ),
    )
    value = forms.CharField(
        label=_("Email address or phone number"),
        max_length=254,
        required=False,
        widget=forms.TextInput(
            attrs={"aria-label": _("Email address or phone number"), "autocomplete": "off"}
        ),
    )
    primary = forms.BooleanField(label=_("Make primary"), required=False)

    def __init__(self, *args: Any, model: type[Model], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = contact_details.LABELS[model]  # type: ignore[index]
        self.fields["label"].choices = [(str(label), label.label) for label in labels]  # type: ignore[attr-defined]


class BaseContactDetailFormSet(forms.BaseFormSet):
    def accepts(self) -> bool:
        """Valid, or not sent at all (a form posted without the rows leaves them be)."""
        return not self.is_bound or self.is_valid()

    def rows(self) -> list[dict[str, Any]] | None:
        """What was entered, blank and removed rows left out, for the service to normalize;
        None when the rows were not sent."""
        if not self.is_bound:
            return None
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and (form.cleaned_data.get("value") or "").strip()
        ]


ContactDetailFormSet = forms.formset_factory(
    ContactDetailForm, formset=BaseContactDetailFormSet, extra=1, can_delete=True, max_num=20
)


def details_formset(
    data: Any, *, model: type[Model], record: Model | None = None
) -> BaseContactDetailFormSet:
    initial = []
    if record is not None:
        initial = [
            {"kind": d.kind, "label": d.label, "value": d.display_value}
            for d in contact_details.of(record)  # type: ignore[arg-type]
        ]
    if data is not None and f"{PREFIX}-TOTAL_FORMS" not in data:
        data = None
    formset = ContactDetailFormSet(
        data, initial=initial, prefix=PREFIX, form_kwargs={"model": model}
    )
    return cast("BaseContactDetailFormSet", formset)
