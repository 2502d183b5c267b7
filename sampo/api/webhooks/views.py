"""Admin pages of webhooks: the list, a subscription's form, its delivery log with its secret
and a test event."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sampo.accounts.access import require_admin
from sampo.api.webhooks import selectors, services
from sampo.api.webhooks.forms import SubscriptionForm
from sampo.api.webhooks.models import Subscription
from sampo.core.records import StaleEditError
from sampo.lib.forms import add_service_error
from sampo.lib.http import AuthedRequest


def _subscription(request: AuthedRequest, pk: int) -> Subscription:
    require_admin(request.user)
    return get_object_or_404(Subscription, pk=pk)


@require_GET
def subscription_list(request: AuthedRequest) -> HttpResponse:
    require_admin(request.user)
    context = {"subscriptions": selectors.subscription_list()}
    return render(request, "webhooks/list.html", context)


@require_http_methods(["GET", "POST"])
def subscription_new(request: AuthedRequest) -> HttpResponse:
    require_admin(request.user)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscription = services.subscription_create(
                actor=request.user,
                name=data["name"],
                url=data["url"],
                event_types=data["event_types"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The webhook was added. Give its secret to the receiver."))
            return redirect("webhooks:detail", subscription.pk)
    return render(request, "webhooks/form.html", {"form": form, "subscription": None})


@require_http_methods(["GET", "POST"])
def subscription_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    initial = {
        "name": subscription.name,
        "url": subscription.url,
        "event_types": subscription.event_types,
        "version": subscription.version,
    }
    form = SubscriptionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.subscription_update(
                actor=request.user,
                subscription=subscription,
                name=data["name"],
                url=data["url"],
                event_types=data["event_types"],
                expected_version=data["version"],
            )
        except (ValidationError, StaleEditError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("webhooks:detail", subscription.pk)
    context = {"form": form, "subscription": subscription}
    return render(request, "webhooks/form.html", context)


@require_GET
def subscription_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    context = {
        "subscription": subscription,
        "deliveries": selectors.delivery_log(subscription),
        "secret": None,
    }
    return render(request, "webhooks/detail.html", context)


@require_POST
def subscription_secret(request: AuthedRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    if request.POST.get("rotate"):
        secret = services.subscription_rotate_secret(actor=request.user, subscription=subscription)
        messages.success(request, _("A new secret was made. Give it to the receiver now."))
    else:
        secret = services.subscription_reveal_secret(actor=request.user, subscription=subscription)
    context = {
        "subscription": subscription,
        "deliveries": selectors.delivery_log(subscription),
        "secret": secret,
    }
    return render(request, "webhooks/detail.html", context)


@require_POST
def subscription_test(request: AuthedRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    services.subscription_send_test(actor=request.user, subscription=subscription)
    messages.success(request, _("A test event is on its way. Its delivery shows below."))
    return redirect("webhooks:detail", subscription.pk)


@require_POST
def subscription_disable(request: AuthedRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    services.subscription_disable(actor=request.user, subscription=subscription)
    messages.success(request, _("The webhook was switched off. No events are sent to it."))
    return redirect("webhooks:detail", subscription.pk)


@require_POST
def subscription_enable(request: AuthedRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    services.subscription_enable(actor=request.user, subscription=subscription)
    messages.success(request, _("The webhook was switched on."))
    return redirect("webhooks:detail", subscription.pk)


@require_POST
def subscription_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    subscription = _subscription(request, pk)
    services.subscription_delete(actor=request.user, subscription=subscription)
    messages.success(
        request, _("The webhook “%(name)s” was deleted.") % {"name": subscription.name}
    )
    return redirect("webhooks:list")
