"""The off-boarding page: choose colleagues, preview who gets what, hand over and deactivate."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from sampo.accounts import access, offboarding
from sampo.accounts.models import User
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest


class OffboardForm(forms.Form):
    recipients = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Hand over to"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "With several colleagues, customers are dealt out in turn; each customer's people, "
            "opportunities and planned activities go with it to the same colleague."
        ),
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        colleagues = User.objects.filter(is_active=True).exclude(pk=user.pk).order_by("name")
        self.fields["recipients"].queryset = colleagues  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
def user_offboard(request: AuthedRequest, pk: int) -> HttpResponse:
    user = access.access_user(request.user, pk)
    form = OffboardForm(request.POST if request.method == "POST" else None, user=user)
    plan = None
    if form.is_valid():
        recipients = list(form.cleaned_data["recipients"])
        try:
            if "confirm" in request.POST:
                done = offboarding.user_offboard(
                    actor=request.user, user=user, recipients=recipients
                )
                text = ngettext(
                    "Handed over %(count)s record of %(name)s; they can no longer log in.",
                    "Handed over %(count)s records of %(name)s; they can no longer log in.",
                    done.total,
                )
                messages.success(request, text % {"count": done.total, "name": user.name})
                return redirect("accounts:user", pk=user.pk)
            plan = offboarding.offboarding_plan(
                actor=request.user, user=user, recipients=recipients
            )
        except ValidationError as error:
            add_service_error(form, error)
    context = {"shown_user": user, "form": form, "plan": plan}
    return render(request, "accounts/user_offboard.html", context)
