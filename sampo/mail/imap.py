"""Polling the CRM's mailbox over IMAP. The folder is opened read-only and messages are read
with BODY.PEEK, so flags people see in their mail client stay as they were. A cursor keeps the
last UID read; even without it, email_receive stores each message once."""

from __future__ import annotations

import imaplib
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from sampo.mail import services
from sampo.mail.models import MailboxCursor, SkippedMessage

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


@dataclass(frozen=True)
class _Position:
    mailbox: str
    uid_validity: int
    uid: int


def _fetch(client: imaplib.IMAP4, uid: int, part: str) -> bytes | None:
    _typ, data = client.uid("FETCH", str(uid), f"({part})")
    for item in data or []:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    return None


def _size(client: imaplib.IMAP4, uid: int) -> int | None:
    _typ, data = client.uid("FETCH", str(uid), "(RFC822.SIZE)")
    size = _SIZE.search(data[0] if data and isinstance(data[0], bytes) else b"")
    return int(size.group(1)) if size else None


def _skip(at: _Position, result: FetchResult, reason: str, headers: bytes, **extra: Any) -> None:
    result.refused += 1
    services.mailbox_message_skipped(
        mailbox=at.mailbox,
        uid_validity=at.uid_validity,
        uid=at.uid,
        reason=reason,
        headers=headers,
        **extra,
    )


def _read_one(client: imaplib.IMAP4, at: _Position, result: FetchResult) -> None:
    """Stores the message at `at`, or records why not (it stays in the mailbox either way)."""
    size = _size(client, at.uid)
    if size is not None and size > settings.MAIL_MAX_MESSAGE_BYTES:
        logger.warning("IMAP: message UID %s is %s bytes, over the limit", at.uid, size)
        headers = _fetch(client, at.uid, "BODY.PEEK[HEADER]") or b""
        _skip(at, result, SkippedMessage.Reason.TOO_LARGE, headers, size=size)
        return
    raw = _fetch(client, at.uid, "BODY.PEEK[]")
    if raw is None:
        _skip(at, result, SkippedMessage.Reason.FAILED, b"", detail="The server sent no body.")
        return
    try:
        received = services.email_receive(raw_bytes=raw)
    except ValidationError as error:
        logger.warning("IMAP: message UID %s not imported: %s", at.uid, " ".join(error.messages))
        reason, detail = SkippedMessage.Reason.UNREADABLE, " ".join(error.messages)
    except Exception as error:  # one broken message must not stop the mailbox
        logger.exception("IMAP: message UID %s could not be imported", at.uid)
        reason, detail = SkippedMessage.Reason.FAILED, f"{type(error).__name__}: {error}"
    else:
        if received.created:
            result.stored += 1
        else:
            result.duplicates += 1
        return
    _skip(at, result, reason, raw, size=len(raw), detail=detail)


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
            _read_one(client, _Position(cursor.mailbox, uid_validity, uid), result)
            cursor.last_uid = uid
            cursor.save(update_fields=["uid_validity", "last_uid", "updated_at"])
        cursor.save(update_fields=["uid_validity", "last_uid", "updated_at"])
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            logger.debug("IMAP logout failed", exc_info=True)
    return result
