from __future__ import annotations

import datetime

from django.utils import timezone

from sampo.notifications.models import Notification
from sampo.notifications.tasks import purge_read_notifications


def test_it_purges_old_read_notifications_and_keeps_unread_ones(settings, seller):
    settings.NOTIFICATION_RETENTION_DAYS = 90
    now = timezone.now()
    old_read, old_unread, recent_read = (
        Notification.objects.create(recipient=seller, kind="x", text=text, url="/")
        for text in ("old read", "old unread", "recent read")
    )
    Notification.objects.filter(pk=old_read.pk).update(read_at=now - datetime.timedelta(days=91))
    Notification.objects.filter(pk=old_unread.pk).update(
        created_at=now - datetime.timedelta(days=400)
    )
    Notification.objects.filter(pk=recent_read.pk).update(read_at=now - datetime.timedelta(days=89))

    assert purge_read_notifications(now=now) == 1
    assert purge_read_notifications(now=now) == 0
    assert set(Notification.objects.values_list("text", flat=True)) == {"old unread", "recent read"}
