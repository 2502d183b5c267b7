"""Admin input for web forms: the form's settings and, per lead field, whether it is asked,
required, where it stands and its label in each language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sampo.sales.webforms.models import Submission, WebForm

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class WebFormForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    redirect_url = forms.URLField(
        label=_("Redirect to"),
        required=False,
        assume_scheme="https",
        help_text=_("Instead of the thank-you page, send the visitor to this page."),
    )

    class Meta:
        model = WebForm
        fields = [
            "name",
            "pipeline",
            "source",
            "tags",
            "thank_you_message",
            "redirect_url",
            "send_confirmation",
            "allowed_origins",
            "is_active",
        ]
        widgets = {
            "tags": forms.CheckboxSelectMultiple,
            "thank_you_message": forms.Textarea(attrs={"rows": 3}),
            "allowed_origins": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "pipeline": _(
                "Whether it becomes a lead or an opportunity follows the pipeline's lead step."
            ),
            "source": _("Empty: “Web form”."),
            "thank_you_message": _("Shown after sending, and in the confirmation email."),
            "redirect_url": _("Instead of the thank-you page, send the visitor to this page."),
            "allowed_origins": _(
                "Websites that may show this form, one a line (https://www.example.com). "
                "Empty: any website may post the HTML form; the JSON endpoint only answers "
                "websites listed here."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = {spec["name"]: (n, spec) for n, spec in enumerate(self.instance.fields or [])}
        for position, name in enumerate(WebForm.FIELD_LABELS):
            order, spec = current.get(name, (len(current) + position, None))
            self.fields[f"ask_{name}"] = forms.BooleanField(
                required=False, initial=spec is not None
            )
            self.fields[f"required_{name}"] = forms.BooleanField(
                required=False, initial=bool(spec and spec.get("required"))
            )
            self.fields[f"order_{name}"] = forms.IntegerField(
                required=False, initial=order + 1, min_value=0, max_value=99
            )
            for code in LANGUAGE_CODES:
                self.fields[f"label_{name}_{code}"] = forms.CharField(
                    required=False,
                    max_length=120,
                    initial=((spec or {}).get("labels") or {}).get(code, ""),
                )

    def visible_settings(self) -> list[forms.BoundField]:
        return [self[name] for name in self.Meta.fields]

    def field_rows(self) -> list[dict[str, Any]]:
        """One row per lead field for the template's table, in the form's current order."""
        rows = [
            {
                "name": name,
                "default_label": label,
                "ask": self[f"ask_{name}"],
                "required": self[f"required_{name}"],
                "order": self[f"order_{name}"],
                "labels": [(code, self[f"label_{name}_{code}"]) for code in LANGUAGE_CODES],
            }
            for name, label in WebForm.FIELD_LABELS.items()
        ]
        return sorted(rows, key=lambda row: int(row["order"].value() or 0))

    def field_specs(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        asked = [name for name in WebForm.FIELD_LABELS if data.get(f"ask_{name}")]
        asked.sort(key=lambda name: data.get(f"order_{name}") or 0)
        return [
            {
                "name": name,
                "required": bool(data.get(f"required_{name}")),
                "labels": {code: data.get(f"label_{name}_{code}", "") for code in LANGUAGE_CODES},
            }
            for name in asked
        ]

    def service_values(self) -> dict[str, Any]:
        values = {name: self.cleaned_data[name] for name in self.Meta.fields}
        values["fields"] = self.field_specs()
        return values


class SubmissionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Submission.Status.choices],
    )
