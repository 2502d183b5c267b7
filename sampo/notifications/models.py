"""In-app notifications: the bell in the header."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message to one user. Not a business record (no history, no trash): a notice that
    something happened elsewhere, written once in the recipient's language and then only read.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="notifications",
        # Both indexes below start with the recipient; a third one alone would only cost writes.
        db_index=False,
    )
    # What kind of event it tells about ("activity_due", "overdue_alert", "mention", ...), for
    # filtering and styling; the app that sends it chooses the code.
    kind = models.SlugField(_("kind"), max_length=40)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The bell on every page: SELECT COUNT(*) ... WHERE recipient_id = ? AND read_at IS
            # NULL. Partial, so it holds only the unread rows and stays small however many
            # notifications a user has read over the years.
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
            # The list and the dropdown: WHERE recipient_id = ? ORDER BY created_at DESC, id DESC
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_list_idx"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
