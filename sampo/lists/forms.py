from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sampo.accounts.models import Team, User
from sampo.lists.models import SavedView


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    sharing = forms.ChoiceField(label=_("Who sees it"), choices=SavedView.Sharing.choices)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = Team.objects.order_by("name")
        if not user.is_admin:
            teams = teams.filter(Q(members=user) | Q(leader=user)).distinct()
        team_field: Any = self.fields["team"]
        team_field.queryset = teams
        if not user.is_admin:
            sharing: Any = self.fields["sharing"]
            sharing.choices = [
                choice for choice in sharing.choices if choice[0] != SavedView.Sharing.EVERYONE
            ]


class QueryForm(forms.Form):
    query = forms.CharField(required=False, max_length=4000)
