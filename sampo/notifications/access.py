"""The only way a request gets a notification: its recipient's, or a 404."""

from __future__ import annotations

from django.http import Http404

from sampo.accounts.models import User
from sampo.notifications.models import Notification


def access_notification(user: User, pk: int) -> Notification:
    notification = Notification.objects.filter(pk=pk, recipient_id=user.pk).first()
    if notification is None or not user.is_active:
        raise Http404
    return notification
