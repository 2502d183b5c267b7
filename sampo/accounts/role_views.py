"""Admin pages for roles: the list, a new role, and what a role may do per record type."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from sampo.accounts import access, rights, role_services
from sampo.accounts.models import Role
from sampo.core.selectors import history_for
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest


class RoleForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    like = forms.ModelChoiceField(
        label=gettext_lazy("Start with the rights of"),
        queryset=Role.objects.all(),
        required=False,
        empty_label=gettext_lazy("No rights"),
    )


class RightsForm(forms.Form):
    """One choice of scope per record type and action, named "<type>:<action>"."""

    def __init__(self, *args: Any, table: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row in table:
            for action, scope in row["scopes"]:
                self.fields[f"{row['type'].key}:{action}"] = forms.ChoiceField(
                    label=f"{row['type'].label} · {rights.Action(action).label}",
                    choices=rights.Scope.choices,
                    initial=scope,
                    required=False,  # a field not sent keeps its scope
                )

    def scopes(self) -> dict[tuple[str, str], str]:
        return {
            (name.partition(":")[0], name.partition(":")[2]): value
            for name, value in self.cleaned_data.items()
            if value
        }


@require_GET
def role_list(request: AuthedRequest) -> HttpResponse:
    access.require_admin(request.user)
    return render(request, "accounts/role_list.html", {"roles": Role.objects.all()})


@require_http_methods(["GET", "POST"])
def role_new(request: AuthedRequest) -> HttpResponse:
    access.require_admin(request.user)
    form = RoleForm(request.POST or None)
    if form.is_valid():
        try:
            role = role_services.role_create(
                actor=request.user, name=form.cleaned_data["name"], like=form.cleaned_data["like"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("accounts:role", pk=role.pk)
    return render(request, "accounts/role_new.html", {"form": form})


@require_http_methods(["GET", "POST"])
def role_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require_admin(request.user)
    role = get_object_or_404(Role, pk=pk)
    table = rights.rights_table(role)
    form = RightsForm(request.POST or None, table=table)
    if request.method == "POST" and form.is_valid():
        try:
            changed = role_services.role_rights_set(
                actor=request.user, role=role, scopes=form.scopes()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Saved: %(count)d rights changed.") % {"count": changed})
            return redirect("accounts:role", pk=role.pk)
    rows = [
        {"type": row["type"], "fields": [form[f"{row['type'].key}:{a}"] for a, _s in row["scopes"]]}
        for row in table
    ]
    context = {
        "role": role,
        "form": form,
        "rows": rows,
        "actions": rights.Action.choices,
        "locked": role.code == Role.ADMIN,
        "history": history_for(role),
    }
    return render(request, "accounts/role_detail.html", context)
