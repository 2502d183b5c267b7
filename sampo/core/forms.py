from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from sampo.core.audit import ACTION_LABELS
from sampo.core.selectors import AuditFilters


class AuditFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("User"), queryset=get_user_model().objects.order_by("name"), required=False
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    ip = forms.GenericIPAddressField(label=_("IP address"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        actions = sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=_second)
        action_field = self.fields["action"]
        user_field = self.fields["user"]
        assert isinstance(action_field, forms.ChoiceField)  # noqa: S101 (narrows the type)
        assert isinstance(user_field, forms.ModelChoiceField)  # noqa: S101
        action_field.choices = [("", _("All actions")), *actions]
        user_field.empty_label = _("All users")

    def filters(self) -> AuditFilters:
        """The filters the form holds; an invalid field filters nothing (its error is shown)."""
        data = self.cleaned_data if self.is_valid() else {}
        user = data.get("user")
        return AuditFilters(
            actor_id=user.pk if user else None,
            action=data.get("action") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            ip_address=data.get("ip") or "",
        )


def _second(pair: tuple[str, str]) -> str:
    return pair[1]
