"""Admin pages of lead assignment: the ordered rules, the fallback and the first-contact time,
and each team's round robin (members' shares and caps)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sampo.accounts.access import require_admin
from sampo.accounts.models import Team
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest
from sampo.sales.assignment import selectors, services
from sampo.sales.assignment.forms import MemberSharesForm, RuleForm, SettingsForm
from sampo.sales.assignment.models import AssignmentRule


def _rule(request: AuthedRequest, pk: int) -> AssignmentRule:
    require_admin(request.user)
    return get_object_or_404(AssignmentRule, pk=pk)


@require_http_methods(["GET", "POST"])
def assignment_home(request: AuthedRequest) -> HttpResponse:
    """The rules with a form to add one, and the settings."""
    require_admin(request.user)
    rule_form = RuleForm(request.POST or None, prefix="rule")
    if request.method == "POST" and rule_form.is_valid():
        try:
            services.rule_create(actor=request.user, values=rule_form.cleaned_data)
        except ValidationError as error:
            add_service_error(rule_form, error)
        else:
            messages.success(request, _("The rule was added."))
            return redirect("sales:admin_assignment")
    settings_form = SettingsForm(instance=services.assignment_settings(), prefix="settings")
    return _home(request, rule_form, settings_form, status=400 if request.method == "POST" else 200)


def _home(
    request: AuthedRequest, rule_form: RuleForm, settings_form: SettingsForm, *, status: int = 200
) -> HttpResponse:
    context = {
        "rules": selectors.rule_rows(),
        "teams": selectors.team_rows(),
        "rule_form": rule_form,
        "settings_form": settings_form,
    }
    return render(request, "sales/assignment/home.html", context, status=status)


@require_POST
def settings_save(request: AuthedRequest) -> HttpResponse:
    require_admin(request.user)
    settings_form = SettingsForm(request.POST, prefix="settings")
    if settings_form.is_valid():
        try:
            services.settings_update(actor=request.user, values=settings_form.cleaned_data)
        except ValidationError as error:
            add_service_error(settings_form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("sales:admin_assignment")
    return _home(request, RuleForm(prefix="rule"), settings_form, status=400)


@require_http_methods(["GET", "POST"])
def rule_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = _rule(request, pk)
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_update(actor=request.user, rule=rule, values=form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("sales:admin_assignment")
    return render(request, "sales/assignment/rule_form.html", {"form": form, "rule": rule})


@require_POST
def rule_move(request: AuthedRequest, pk: int, offset: int) -> HttpResponse:
    services.rule_move(actor=request.user, rule=_rule(request, pk), offset=offset)
    return redirect("sales:admin_assignment")


@require_POST
def rule_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    rule = _rule(request, pk)
    name = str(rule)
    services.rule_delete(actor=request.user, rule=rule)
    messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
    return redirect("sales:admin_assignment")


@require_http_methods(["GET", "POST"])
def team_rotation(request: AuthedRequest, pk: int) -> HttpResponse:
    require_admin(request.user)
    team = get_object_or_404(Team.objects.select_related("leader"), pk=pk)
    form = MemberSharesForm(request.POST or None, rows=selectors.member_rows(team))
    if request.method == "POST" and form.is_valid():
        try:
            services.member_settings_update(actor=request.user, team=team, shares=form.shares())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("sales:admin_assignment_team", pk=pk)
    context = {"team": team, "form": form, "next_up": selectors.next_up(team)}
    return render(request, "sales/assignment/team.html", context)
