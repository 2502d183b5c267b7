"""The sharing page of a record: who it is shared with, share it further, take a share back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from sampo.accounts import rights, sharing
from sampo.accounts.models import RecordShare, Team, User
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest


class ShareForm(forms.Form):
    user = forms.ModelChoiceField(
        label=gettext_lazy("Colleague"), queryset=User.objects.none(), required=False
    )
    team = forms.ModelChoiceField(
        label=gettext_lazy("or a team"), queryset=Team.objects.none(), required=False
    )
    can_edit = forms.BooleanField(label=gettext_lazy("May change it"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(is_active=True)  # type: ignore[attr-defined]
        self.fields["team"].queryset = Team.objects.all()  # type: ignore[attr-defined]


def _record(request: AuthedRequest, key: str, pk: int) -> Any:
    """The record, if the user may read it (else 404) and change it (else 403)."""
    if key not in rights.RECORD_TYPES:
        raise Http404
    app_label, model_name = key.split(".")
    model: Any = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
    record = model._default_manager.filter(rights.rows_q(request.user, key), pk=pk).first()
    if record is None:
        raise Http404
    if not rights.allows(request.user, record, rights.Action.EDIT):
        raise PermissionDenied
    return record


@require_http_methods(["GET", "POST"])
def record_sharing(request: AuthedRequest, key: str, pk: int) -> HttpResponse:
    record = _record(request, key, pk)
    form = ShareForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            sharing.record_share(actor=request.user, record=record, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Shared."))
            return redirect("accounts:sharing", key=key, pk=pk)
    context = {"record": record, "form": form, "shares": sharing.shares_of(record), "key": key}
    return render(request, "accounts/sharing.html", context)


@require_POST
def share_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    share = get_object_or_404(RecordShare.objects.select_related("content_type"), pk=pk)
    key = f"{share.content_type.app_label}.{share.content_type.model}"
    _record(request, key, share.object_id)
    sharing.record_unshare(actor=request.user, share=share)
    messages.success(request, _("No longer shared."))
    return redirect("accounts:sharing", key=key, pk=share.object_id)
