"""The user's API tokens in their profile: list, create (the secret is shown once), revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sampo.accounts import api_tokens
from sampo.accounts.models import ApiToken
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What uses the token, e.g. “invoicing” or “web shop”."),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), choices=ApiToken.Scope.choices)


@never_cache
@require_http_methods(["GET", "POST"])
def api_token_list(request: AuthedRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_tokens.api_token_create(
                actor=request.user, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            form = ApiTokenForm()
    context = {"form": form, "issued": issued, "tokens": api_tokens.api_tokens_of(request.user)}
    return render(request, "accounts/api_tokens.html", context)


@require_POST
def api_token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    try:
        api_tokens.api_token_revoke(actor=request.user, token=token)
    except PermissionDenied as error:
        raise Http404 from error
    messages.success(request, _("The token “%(name)s” no longer works.") % {"name": token.name})
    if token.user_id != request.user.pk:
        return redirect("accounts:user", pk=token.user_id)
    return redirect("accounts:api_tokens")
