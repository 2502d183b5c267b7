"""Who may see emails and do what with them; the only way a request gets a message.

- A message on a timeline (linked to people or an organization) is seen by whoever can see
  those records: today every active user reads the whole register (contacts.access), so
  every active user; when the register's visibility narrows (issue 6), this follows it.
- The unmatched inbox (received mail nobody was matched to) is for the users who may create
  people, because what one does there is create a person or link one: admins, sales managers
  and salespeople. Read-only, marketing and support users do not see it.
- Sending needs the right to log activities (activities.access.can_log).
- Email templates are managed by admins; everyone who may send uses them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from sampo.accounts.models import User
from sampo.activities import access as activity_rights
from sampo.activities.access import can_log
from sampo.activities.models import Activity
from sampo.contacts.access import can_create
from sampo.mail.models import Attachment, Message


def can_triage(user: User) -> bool:
    return can_create(user)


def can_send(user: User) -> bool:
    return can_log(user)


def require_triage(user: User) -> None:
    if not can_triage(user):
        raise PermissionDenied


def require_send(user: User) -> None:
    if not can_send(user):
        raise PermissionDenied


def visible_messages_q(user: User) -> Q:
    """Messages the user may read, as a filter for any query on Message."""
    if not user.is_active:
        return Q(pk__in=[])
    live = Q(activity__isnull=True) | Q(activity__deleted_at__isnull=True)
    if not activity_rights.reads_all(user):
        # An email on a timeline is read by whoever may read its activity.
        readable = Activity.objects.filter(activity_rights.visible(user)).values("pk")
        live &= Q(activity__isnull=True) | Q(activity_id__in=readable)
    if can_triage(user):
        return live
    return live & (Q(activity__isnull=False) | Q(direction=Message.Direction.OUTGOING))


def can_see(user: User, message: Message) -> bool:
    if not user.is_active:
        return False
    if message.activity is not None and message.activity.is_deleted:
        return False  # its activity went to the trash, and the email with it
    if message.activity is not None and not activity_rights.can_read(user, message.activity):
        return False
    return not message.is_unmatched or can_triage(user)


def access_message(user: User, pk: int) -> Message:
    message = (
        Message.objects.select_related("activity", "organization", "author", "thread")
        .filter(pk=pk)
        .first()
    )
    if message is None or not can_see(user, message):
        raise Http404
    return message


def access_attachment(user: User, pk: int) -> Attachment:
    attachment = Attachment.objects.select_related("message").filter(pk=pk).first()
    if attachment is None or not attachment.file or not can_see(user, attachment.message):
        raise Http404
    return attachment
