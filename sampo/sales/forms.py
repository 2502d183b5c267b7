from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sampo.accounts.models import Team, User
from sampo.contacts.forms import CURRENCIES
from sampo.contacts.models import Organization, Person, Tag
from sampo.lib.forms import FieldsetsMixin
from sampo.sales.models import LostReason, Opportunity, Pipeline, Stage


class OrganizationPickWidget(forms.Widget):
    """The register's search-and-pick for an organization (contacts:organization_pick): a
    select of every organization would not scale to a real register."""

    template_name = "sales/widgets/organization_pick.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        current = None
        if value not in (None, ""):
            current = Organization.objects.filter(pk=value).only("id", "name", "city").first()
        context["widget"]["current"] = current
        return context


def _currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in dict.fromkeys([settings.DEFAULT_CURRENCY, *CURRENCIES])]


class QuickCreateForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": _("New opportunity, e.g. met at the fair")}),
    )
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(), required=False, widget=forms.HiddenInput
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.all(), required=False, widget=forms.HiddenInput
    )
    pipeline = forms.ModelChoiceField(
        queryset=Pipeline.objects.all(), required=False, widget=forms.HiddenInput
    )


class OpportunityForm(FieldsetsMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    currency = forms.ChoiceField(label=_("Currency"), choices=_currency_choices)
    fieldsets = [
        (
            _("As typed on the lead"),
            ["contact_name", "company_name", "email", "phone"],
        ),
        (
            _("More"),
            ["source", "product_interest", "country", "owner", "team", "tags", "description"],
        ),
    ]

    class Meta:
        model = Opportunity
        fields = [
            "title",
            "organization",
            "person",
            "expected_revenue",
            "currency",
            "probability",
            "expected_close_date",
            "priority",
            "contact_name",
            "company_name",
            "email",
            "phone",
            "source",
            "product_interest",
            "country",
            "owner",
            "team",
            "tags",
            "description",
        ]
        widgets = {
            "organization": OrganizationPickWidget,
            "expected_close_date": forms.DateInput(attrs={"type": "date"}),
            "tags": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        localized_fields = ["expected_revenue"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        opportunity: Opportunity = self.instance
        fields: Any = self.fields
        fields["owner"].queryset = User.objects.filter(is_active=True)
        fields["team"].queryset = Team.objects.all()
        fields["tags"].queryset = Tag.objects.all()
        fields["probability"].required = False
        fields["probability"].help_text = _("Leave empty to use the stage's default.")
        # The people of the linked organization, and whoever is linked now: a bounded list.
        people = Person.objects.filter(
            memberships__organization_id=opportunity.organization_id or 0,
            memberships__end_date__isnull=True,
        )
        if opportunity.person_id:
            people = people | Person.objects.filter(pk=opportunity.person_id)
        fields["person"].queryset = people.distinct()
        fields["person"].help_text = _("The people of the organization.")

    def _post_clean(self) -> None:
        # The service validates and normalizes; the model's own validation would reject the
        # values the service fills in (a probability left empty).
        pass


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MoveForm(VersionForm):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Stage.objects.none())

    def __init__(self, *args: Any, pipeline: Pipeline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = pipeline.stages.order_by("position", "id")  # type: ignore[attr-defined]


class LostForm(VersionForm):
    reason = forms.ModelChoiceField(
        label=_("Why was it lost?"),
        queryset=LostReason.objects.all(),
        error_messages={"required": _("Choose why the opportunity was lost.")},
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PostponeForm(VersionForm):
    until = forms.DateField(
        label=_("Come back to it on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(
        label=_("Note for the follow-up"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class QualifyForm(VersionForm):
    organization = forms.ModelChoiceField(
        label=_("Existing organization"),
        queryset=Organization.objects.all(),
        required=False,
        widget=OrganizationPickWidget,
    )
    organization_name = forms.CharField(
        label=_("Or a new organization"), max_length=200, required=False
    )
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    stage = forms.ModelChoiceField(label=_("Into stage"), queryset=Stage.objects.none())

    def __init__(self, *args: Any, pipeline: Pipeline, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = pipeline.stages.order_by("position", "id")  # type: ignore[attr-defined]


# --- Admin ------------------------------------------------------------------------------------


class PipelineForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Pipeline
        fields = ["name", "team", "requires_next_step", "uses_leads"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.all()  # type: ignore[attr-defined]

    def _post_clean(self) -> None:
        pass


class StageForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": _("New stage")}),
    )
    probability = forms.IntegerField(
        label=_("Default probability (%)"), min_value=0, max_value=100, initial=10
    )


class StageDeleteForm(forms.Form):
    move_to = forms.ModelChoiceField(
        label=_("Move its opportunities to"), queryset=Stage.objects.none(), required=False
    )

    def __init__(self, *args: Any, stage: Stage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = stage.pipeline.stages.exclude(pk=stage.pk).order_by("position", "id")
        self.fields["move_to"].queryset = others  # type: ignore[attr-defined]


class ChoiceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
