"""Input of the import wizard: the file, then a field per column and how to match."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sampo.contacts.imports import registry
from sampo.contacts.imports.fields import targets
from sampo.contacts.imports.matching import match_keys
from sampo.contacts.imports.models import ImportBatch, import_kind_choices

MATCH_LABELS = {
    "source_id": _("Source id"),
    "business_id": _("Business ID"),
    "email": _("Email"),
    "name": pgettext_lazy("match records by", "Name"),
}


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Import"), choices=import_kind_choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (any delimiter and encoding Excel writes), Excel (XLSX), or vCard for people. "
            "The first row names the columns."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx,.vcf"}),
    )


class MappingForm(forms.Form):
    match = forms.MultipleChoiceField(
        label=_("Find existing records by"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tried in this order; a row that matches none of them becomes a new record."),
    )
    on_match = forms.ChoiceField(
        label=_("When a row matches an existing record"),
        choices=[
            ("update", _("Update the record with the row's values")),
            ("skip", _("Leave the record as it is and skip the row")),
        ],
        widget=forms.RadioSelect,
    )
    source = forms.CharField(
        label=_("Source system"),
        max_length=100,
        help_text=_(
            "The system the source ids come from (e.g. “Old CRM”): a later file from the same "
            "source finds these records by their ids."
        ),
    )

    def __init__(self, data: Any = None, *, batch: ImportBatch) -> None:
        options = batch.options or {}
        initial = {
            "match": options.get("match", []),
            "on_match": options.get("on_match", "update"),
            "source": options.get("source", ""),
        }
        for index, target in enumerate(batch.mapping):
            initial[f"column_{index}"] = target
        super().__init__(data, initial=initial)
        match_field: Any = self.fields["match"]
        import_type = registry.get(batch.kind)
        labels = {**MATCH_LABELS, **(import_type.match_labels if import_type else {})}
        match_field.choices = [(key, labels[key]) for key in match_keys(batch.kind)]
        choices = [("", _("— do not import —"))] + [
            (key, target.label) for key, target in targets(batch.kind).items()
        ]
        self.column_fields = []
        for index, header in enumerate(batch.headers):
            name = f"column_{index}"
            self.fields[name] = forms.ChoiceField(
                label=header or _("Column %(number)d") % {"number": index + 1},
                choices=choices,
                required=False,
            )
            self.column_fields.append(name)

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(name, "") for name in self.column_fields]
