"""Polling the CRM's mailbox over IMAP. The folder is opened read-only and messages are read
with BODY.PEEK, so flags people see in their mail client stay as they were. A cursor keeps the
last UID read; even without it, email_receive stores each message once."""

from __future__ import annotations

import imaplib
import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from sampo.mail import services
from sampo.mail.models import MailboxCursor

logger = logging.getLogger(__name__)

BATCH = 200  # per run, so one run stays well within the task timeout
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass
class FetchResult:
    stored: int = 0
    duplicates: int = 0
    refused: int = 0

    @property
    def seen(self) -> int:
        return self.stored + self.duplicates + self.refused


def _connect() -> imaplib.IMAP4:
    host, port = settings.IMAP_HOST, settings.IMAP_PORT
    if settings.IMAP_SSL:
        return imaplib.IMAP4_SSL(host, port, timeout=60)
    return imaplib.IMAP4(host, port, timeout=60)


def _mailbox_name() -> str:
    return f"{settings.IMAP_USER}@{settings.IMAP_HOST}:{settings.IMAP_PORT}/{settings.IMAP_FOLDER}"


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fetch_one(client: imaplib.IMAP4, uid: int) -> bytes | None:
    """The message's bytes, or None (with a warning) when it is over the size limit."""
    _typ, data = client.uid("FETCH", str(uid), "(RFC822.SIZE)")
    size = _SIZE.search(data[0] if data and isinstance(data[0], bytes) else b"")
    if size and int(size.group(1)) > settings.MAIL_MAX_MESSAGE_BYTES:
        logger.warning(
            "IMAP: message UID %s is %s bytes, over the limit; left in the mailbox",
            uid,
            size.group(1),
        )
        return None
    _typ, data = client.uid("FETCH", str(uid), "(BODY.PEEK[])")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    return None


def _receive(raw: bytes | None, uid: int, result: FetchResult) -> None:
    if raw is None:
        result.refused += 1
        return
    try:
        received = services.email_receive(raw_bytes=raw)
    except ValidationError as error:
        result.refused += 1
        logger.warning("IMAP: message UID %s not imported: %s", uid, " ".join(error.messages))
        return
    except Exception:  # one broken message must not stop the mailbox
        result.refused += 1
        logger.exception("IMAP: message UID %s could not be imported", uid)
        return
    if received.created:
        result.stored += 1
    else:
        result.duplicates += 1


def fetch_new() -> FetchResult:
    result = FetchResult()
    if not settings.IMAP_HOST:
        return result
    client = _connect()
    try:
        client.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
        client.select(_quoted(settings.IMAP_FOLDER), readonly=True)
        _name, validity = client.response("UIDVALIDITY")
        uid_validity = int(validity[0]) if validity and validity[0] else 0
        cursor, _created = MailboxCursor.objects.get_or_create(mailbox=_mailbox_name())
        if cursor.uid_validity != uid_validity:
            # The server renumbered the folder: read it all again; nothing is stored twice.
            cursor.uid_validity, cursor.last_uid = uid_validity, 0
        _typ, data = client.uid("SEARCH", f"UID {cursor.last_uid + 1}:*")
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > cursor.last_uid)
        for uid in uids[:BATCH]:
            _receive(_fetch_one(client, uid), uid, result)
            cursor.last_uid = uid
            cursor.save(update_fields=["uid_validity", "last_uid", "updated_at"])
        cursor.save(update_fields=["uid_validity", "last_uid", "updated_at"])
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            logger.debug("IMAP logout failed", exc_info=True)
    return result
