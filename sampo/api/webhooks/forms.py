from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sampo.api.webhooks.models import EVENT_TYPES


class SubscriptionForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.CharField(
        label=_("URL"),
        max_length=2000,
        help_text=_("Sampo sends each event as a signed POST request to this address."),
        widget=forms.URLInput,
    )
    event_types = forms.MultipleChoiceField(
        label=_("Events"),
        choices=list(EVENT_TYPES.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
