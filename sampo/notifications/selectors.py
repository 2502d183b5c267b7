"""Reads for the bell and the notifications page. The list never counts: a page asks for one
row more than it shows to know whether there is a next one."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from sampo.accounts.models import User
from sampo.notifications.models import Notification

PAGE_SIZE = 30
MENU_SIZE = 8


@dataclass
class NotificationPage:
    rows: list[Notification]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def unread_count(user: User) -> int:
    """One COUNT served by the partial index notification_unread_idx."""
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def _of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user.pk).select_related("actor")


def notification_page(*, user: User, page: int = 1, size: int = PAGE_SIZE) -> NotificationPage:
    page = max(page, 1)
    fetched = list(_of(user)[(page - 1) * size : page * size + 1])
    return NotificationPage(fetched[:size], page, len(fetched) > size)


def latest_notifications(*, user: User, limit: int = MENU_SIZE) -> list[Notification]:
    return list(_of(user)[:limit])
