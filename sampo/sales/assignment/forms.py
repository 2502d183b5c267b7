"""Admin input for lead assignment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sampo.accounts.models import Team, User
from sampo.sales.assignment.models import AssignmentRule, AssignmentSettings


class RuleForm(forms.ModelForm):
    class Meta:
        model = AssignmentRule
        fields = [
            "name",
            "countries",
            "source",
            "product_interest",
            "web_form",
            "team",
            "is_active",
        ]
        help_texts = {
            "countries": _("Country codes, e.g. FI SE; empty for any country."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["team"].queryset = Team.objects.order_by("name")
        for name in ("source", "product_interest", "web_form"):
            fields[name].empty_label = str(_("any"))


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AssignmentSettings
        fields = ["default_team", "default_owner", "first_contact_hours"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["default_owner"].queryset = User.objects.filter(is_active=True).order_by("name")
        fields["default_team"].queryset = Team.objects.order_by("name")


class MemberSharesForm(forms.Form):
    """Per member of a team: their share of leads and their cap of open leads."""

    def __init__(self, *args: Any, rows: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            pk = row["user"].pk
            name = str(row["user"])
            self.fields[f"weight_{pk}"] = forms.IntegerField(
                label=_("Share"),
                min_value=0,
                max_value=10,
                initial=row["weight"],
                widget=forms.NumberInput(
                    attrs={"aria-label": _("Share of %(name)s") % {"name": name}}
                ),
            )
            self.fields[f"cap_{pk}"] = forms.IntegerField(
                label=_("At most open leads"),
                min_value=0,
                required=False,
                initial=row["cap"],
                widget=forms.NumberInput(
                    attrs={"aria-label": _("At most open leads for %(name)s") % {"name": name}}
                ),
            )

    def table(self) -> list[dict[str, Any]]:
        return [
            {
                **row,
                "weight_field": self[f"weight_{row['user'].pk}"],
                "cap_field": self[f"cap_{row['user'].pk}"],
            }
            for row in self.rows
        ]

    def shares(self) -> dict[int, tuple[int, int | None]]:
        data = self.cleaned_data
        return {
            row["user"].pk: (data[f"weight_{row['user'].pk}"], data.get(f"cap_{row['user'].pk}"))
            for row in self.rows
        }
