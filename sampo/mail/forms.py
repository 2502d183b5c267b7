from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sampo.contacts.models import Organization, Person
from sampo.lib.forms import FieldsetsMixin
from sampo.mail.models import EmailTemplate


class ComposeForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=EmailTemplate.objects.order_by("name"),
        required=False,
        empty_label=_("(no template)"),
    )
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 12}))
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TemplateForm(FieldsetsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 10}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fieldsets = [(_("Default text"), ["name", "subject", "body"])]
        for code, language in settings.LANGUAGES:
            self.fields[f"subject_{code}"] = forms.CharField(
                label=_("Subject"), max_length=200, required=False
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8})
            )
            self.fieldsets.append((language, [f"subject_{code}", f"body_{code}"]))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for code, _language in settings.LANGUAGES:
            subject, body = cleaned.get(f"subject_{code}"), cleaned.get(f"body_{code}")
            if bool(subject) != bool(body):
                self.add_error(
                    f"body_{code}" if subject else f"subject_{code}",
                    _("A language version needs both a subject and a text."),
                )
        return cleaned

    def variants(self) -> dict[str, tuple[str, str]]:
        found = {}
        for code, _language in settings.LANGUAGES:
            subject = self.cleaned_data.get(f"subject_{code}", "")
            if subject:
                found[code] = (subject, self.cleaned_data.get(f"body_{code}", ""))
        return found


class LinkForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.all())


class NewPersonForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"))
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.all(), required=False
    )
    allow_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)
