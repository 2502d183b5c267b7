from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sampo.accounts.models import User
from sampo.activities.models import ActivityType
from sampo.contacts.models import Person
from sampo.lib.forms import MultipleFileField


class _ActivityForm(forms.Form):
    type = forms.ModelChoiceField(
        label=_("Type"),
        queryset=ActivityType.objects.all(),
        empty_label=None,
        widget=forms.RadioSelect(attrs={"class": "type-choice"}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    people = forms.ModelMultipleChoiceField(
        label=_("People"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    body = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Markdown works: **bold**, *italic*, a dash starts a list item. Mention a colleague "
            "with @ and their first name or the start of their email (@anna.kallio): they get "
            "a notification."
        ),
    )
    attachments = MultipleFileField(label=_("Files"), required=False)

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the people of the record the activity is logged on: a bounded list.
        self.fields["people"].queryset = people if people is not None else Person.objects.none()  # type: ignore[attr-defined]


class LogForm(_ActivityForm):
    when = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=0, max_value=24 * 60
    )
    outcome = forms.CharField(label=_("Outcome"), max_length=200, required=False)


class ScheduleForm(_ActivityForm):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), required=False, min_value=0, max_value=24 * 60
    )
    assignee = forms.ModelChoiceField(
        label=_("Assigned to"), queryset=User.objects.filter(is_active=True), empty_label=None
    )


class RescheduleForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CompleteForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), max_length=200, required=False)


class ActivityTypeForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": _("New activity type, e.g. site visit")}),
    )
