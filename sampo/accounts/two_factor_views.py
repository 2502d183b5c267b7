"""Two-factor login: the second step of the login, the user's own set-up in their profile,
and the admin's reset and policy."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sampo.accounts import access, login_flow, two_factor
from sampo.accounts.forms import CodeForm, LoginCodeForm, TwoFactorDisableForm, TwoFactorPolicyForm
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest


@login_not_required
@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    pending = login_flow.pending_login(request)
    if pending is None:
        return redirect("accounts:login")
    form = LoginCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            method = two_factor.login_code_check(user=pending.user, code=form.cleaned_data["code"])
        except two_factor.TwoFactorLockedError:
            form.add_error(None, _("Too many wrong codes. Wait a few minutes and try again."))
            status = 429
        except ValidationError as error:
            add_service_error(form, error)
        else:
            login_flow.login_finish(
                request, user=pending.user, backend=pending.backend, second_factor=method
            )
            if method == "recovery":
                messages.warning(request, _("You used a recovery code; each works only once."))
            return redirect(pending.next_url)
    return render(request, "accounts/login_code.html", {"form": form}, status=status)


@require_http_methods(["GET"])
def overview(request: AuthedRequest) -> HttpResponse:
    context = {
        "status": two_factor.status(request.user),
        "pending": two_factor.pending_device(request.user),
        "enrolment_required": bool(request.session.get(login_flow.ENROL_KEY)),
        "regenerate_form": CodeForm(),
        "disable_form": TwoFactorDisableForm(),
    }
    return render(request, "accounts/two_factor.html", context)


@require_POST
def setup(request: AuthedRequest) -> HttpResponse:
    try:
        two_factor.enrolment_start(user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:two_factor")
    return redirect("accounts:two_factor_confirm")


@require_http_methods(["GET", "POST"])
def confirm(request: AuthedRequest) -> HttpResponse:
    device = two_factor.pending_device(request.user)
    if device is None:
        return redirect("accounts:two_factor")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.enrolment_confirm(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_service_error(form, error)
        else:
            login_flow.enrolment_done(request)
            return _show_recovery_codes(request, codes, first_time=True)
    context = {
        "form": form,
        "qr_svg": two_factor.qr_svg(device),
        "secret": two_factor.grouped_secret(device),
    }
    return render(request, "accounts/two_factor_confirm.html", context)


@require_POST
def recovery_codes(request: AuthedRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            codes = two_factor.recovery_codes_regenerate(
                user=request.user, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return _show_recovery_codes(request, codes, first_time=False)
    else:
        messages.error(request, _("Type a code from your authenticator app."))
    return redirect("accounts:two_factor")


def _show_recovery_codes(
    request: HttpRequest, codes: list[str], *, first_time: bool
) -> HttpResponse:
    # Rendered in the answer to the POST, never stored readable: shown this once.
    response = render(
        request, "accounts/two_factor_codes.html", {"codes": codes, "first_time": first_time}
    )
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def disable(request: AuthedRequest) -> HttpResponse:
    form = TwoFactorDisableForm(request.POST)
    if form.is_valid():
        try:
            two_factor.two_factor_disable(
                user=request.user,
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Two-factor login is off."))
    else:
        messages.error(request, _("Type your password and a code."))
    return redirect("accounts:two_factor")


@require_POST
def reset(request: AuthedRequest, pk: int) -> HttpResponse:
    user = access.access_user(request.user, pk)
    try:
        two_factor.two_factor_reset(actor=request.user, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s can log in with their password alone, then set up two-factor login again.")
            % {"name": user.name},
        )
    return redirect("accounts:user", pk=user.pk)


@require_http_methods(["GET", "POST"])
def policy(request: AuthedRequest) -> HttpResponse:
    access.require_admin(request.user)
    current = two_factor.policy()
    initial = {"everyone": current.everyone, "roles": list(current.roles.all())}
    form = TwoFactorPolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        two_factor.policy_update(
            actor=request.user,
            everyone=form.cleaned_data["everyone"],
            roles=list(form.cleaned_data["roles"]),
        )
        messages.success(request, _("Saved. It applies to each user from their next login."))
        return redirect("accounts:two_factor_policy")
    return render(request, "accounts/two_factor_policy.html", {"form": form})
