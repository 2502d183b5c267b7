from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampo.accounts import access, login_flow, selectors, services, two_factor
from sampo.accounts.forms import (
    LanguageForm,
    LoginForm,
    NewTeamForm,
    NewUserForm,
    ProfileForm,
    QueuedPasswordResetForm,
    TeamForm,
    UserForm,
)
from sampo.accounts.models import User
from sampo.core import audit
from sampo.core.records import StaleEditError
from sampo.core.selectors import history_for
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if two_factor.confirmed_device(user) is not None:
            login_flow.pending_start(self.request, user=user, next_url=self.get_success_url())
            return redirect("accounts:login_code")
        login_flow.login_finish(self.request, user=user, backend=user.backend, second_factor="none")
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: Any) -> HttpResponse:
        if not getattr(self.request, "axes_locked_out", False):  # audited by login_locked_out
            _audit_login_failure(self.request, reason="wrong_password")
        return super().form_invalid(form)


def _audit_login_failure(request: HttpRequest, *, reason: str) -> None:
    email = str(request.POST.get("username", "")).strip().lower()[:254]
    user = User.objects.filter(email=email).first() if email else None
    audit.audit_record(
        "login_failed",
        actor=user,
        actor_label=email,
        target=user,
        details={"reason": reason if user else "unknown_email", "email": email},
        request=request,
    )


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            audit.audit_record("logout", actor=request.user, request=request)
        return super().post(request, *args, **kwargs)


@login_not_required
def login_locked_out(
    request: HttpRequest, credentials: dict, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this instead of logging in while an email+address pair is locked."""
    _audit_login_failure(request, reason="locked_out")
    form = LoginForm(request, data=request.POST or None)
    form.errors.clear()
    form.add_error(
        None,
        _("Too many failed logins. Wait a few minutes, or reset your password."),
    )
    return render(request, "accounts/login.html", {"form": form}, status=429)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = QueuedPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"].strip().lower()
        audit.audit_record(
            "password_reset_requested",
            actor=User.objects.filter(email=email, is_active=True).first(),
            actor_label=email,
            request=self.request,
        )
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.user_note_password_changed(user=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.user_note_password_changed(user=form.user)
        messages.success(self.request, _("Your password was changed."))
        return response


@login_not_required
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if form.is_valid():
        language = form.cleaned_data["language"]
        if request.user.is_authenticated:
            services.user_set_language(user=request.user, language=language)
        response.set_cookie(
            "sampo_language", language, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
    return response


@require_http_methods(["GET", "POST"])
def profile(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "name": user.name,
            "phone": user.phone,
            "language": user.language,
            "time_zone": user.time_zone,
            "email_reminders": user.email_reminders,
            "email_digest": user.email_digest,
            "version": user.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.user_update(
                actor=user, user=user, values=values, expected_version=form.cleaned_data["version"]
            )
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


# --- Admin pages: users ---------------------------------------------------------------------


@require_GET
def user_list(request: AuthedRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()
    users = selectors.user_list(actor=request.user, search=search)
    return render(request, "accounts/user_list.html", {"users": users, "search": search})


@require_http_methods(["GET", "POST"])
def user_new(request: AuthedRequest) -> HttpResponse:
    access.require_admin(request.user)
    form = NewUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            user = services.user_create(actor=request.user, **values)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was added and invited by email to choose a password.")
                % {"name": user.name},
            )
            return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "is_new": True})


@require_GET
def user_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = access.access_user(request.user, pk)
    context = {
        "shown_user": user,
        "teams": user.teams.all(),
        "history": history_for(user),
        "two_factor": two_factor.status(user),
    }
    return render(request, "accounts/user_detail.html", context)


@require_http_methods(["GET", "POST"])
def user_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = access.access_user(request.user, pk)
    form = UserForm(request.POST) if request.method == "POST" else UserForm.for_user(user)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.user_update(
                actor=request.user,
                user=user,
                values=values,
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("accounts:user", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "shown_user": user})


@require_POST
def user_set_active(request: AuthedRequest, pk: int, active: bool) -> HttpResponse:
    user = access.access_user(request.user, pk)
    try:
        if active:
            services.user_reactivate(actor=request.user, user=user)
            messages.success(request, _("%(name)s can log in again.") % {"name": user.name})
        else:
            services.user_deactivate(actor=request.user, user=user)
            messages.success(
                request,
                _("%(name)s can no longer log in. Everything they own stays as it was.")
                % {"name": user.name},
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("accounts:user", pk=user.pk)


# --- Admin pages: teams ---------------------------------------------------------------------


@require_GET
def team_list(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "accounts/team_list.html", {"teams": selectors.team_list(actor=request.user)}
    )


@require_http_methods(["GET", "POST"])
def team_new(request: AuthedRequest) -> HttpResponse:
    access.require_admin(request.user)
    form = NewTeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            team = services.team_create(actor=request.user, **values)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The team was created."))
            return redirect("accounts:team", pk=team.pk)
    return render(request, "accounts/team_form.html", {"form": form, "is_new": True})


@require_GET
def team_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    team = access.access_team(request.user, pk)
    context = {"team": team, "members": selectors.team_members(team), "history": history_for(team)}
    return render(request, "accounts/team_detail.html", context)


@require_http_methods(["GET", "POST"])
def team_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    team = access.access_team(request.user, pk)
    initial = {
        "name": team.name,
        "description": team.description,
        "leader": team.leader,
        "members": list(team.members.all()),
        "version": team.version,
    }
    form = TeamForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.team_update(
                actor=request.user,
                team=team,
                values=values,
                expected_version=form.cleaned_data["version"],
            )
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("accounts:team", pk=team.pk)
    return render(request, "accounts/team_form.html", {"form": form, "team": team})


@require_POST
def team_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    team = access.access_team(request.user, pk)
    services.team_trash(actor=request.user, team=team)
    messages.success(
        request,
        _("“%(name)s” was moved to the trash. An admin can restore it from there.")
        % {"name": team.name},
    )
    return redirect(reverse("accounts:teams"))
