"""Writes on notifications. `notify` is what other apps call; the rest is the bell's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import Truncator

from sampo.accounts.models import User
from sampo.notifications.models import Notification

TEXT_LENGTH = Notification._meta.get_field("text").max_length or 300


def _is_local_path(url: str) -> bool:
    # The link is followed after a click in Sampo: only a path on this site, never elsewhere.
    return url == "" or (url.startswith("/") and not url.startswith(("//", "/\\")))


def notify(
    *,
    recipient: User,
    kind: str,
    text: str | Promise,
    url: str,
    actor: User | None = None,
    params: Mapping[str, Any] | None = None,
) -> Notification | None:
    """Tell `recipient` that something happened, in their own language.

    Pass `text` as a lazy translation (gettext_lazy) with `params` for its placeholders: it is
    translated and filled in here, in the recipient's language, whoever's request or worker
    sends it. The row is written in the caller's transaction, so a change that rolls back
    leaves no notification behind, and one that commits cannot lose it (an on_commit callback
    could be lost if the process died in between). Nobody is notified of their own action,
    nor while deactivated.
    """
    if not _is_local_path(url):
        raise ValueError(f"A notification links within Sampo, not to {url!r}.")
    if not recipient.is_active or (actor is not None and actor.pk == recipient.pk):
        return None
    with translation.override(recipient.language):
        # `%` on the lazy text itself: a lazy plural picks its form from `params`.
        message = str(text % params) if params else str(text)
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        text=Truncator(message).chars(TEXT_LENGTH),
        url=url,
        actor=actor,
    )


def notification_mark_read(*, user: User, notification: Notification) -> None:
    Notification.objects.filter(
        pk=notification.pk, recipient_id=user.pk, read_at__isnull=True
    ).update(read_at=timezone.now())


def notification_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(Q(recipient_id=user.pk), Q(read_at__isnull=True)).update(
        read_at=timezone.now()
    )
