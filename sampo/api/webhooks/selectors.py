"""Reads for the webhook admin pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from sampo.api.webhooks.models import Delivery, Subscription

LOG_LENGTH = 100


def subscription_list() -> QuerySet[Subscription]:
    failed = Q(deliveries__status__in=[Delivery.Status.RETRYING, Delivery.Status.FAILED])
    return Subscription.objects.annotate(failing=Count("deliveries", filter=failed)).order_by(
        "name", "id"
    )


def delivery_log(subscription: Subscription) -> list[Delivery]:
    """The latest deliveries, newest first, with their event."""
    rows = subscription.deliveries.select_related("event").order_by("-created_at", "-id")
    return list(rows[:LOG_LENGTH])
