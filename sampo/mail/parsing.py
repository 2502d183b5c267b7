"""Reading a raw RFC 822 message with the standard library's `email` package (policy=default,
which decodes encoded words in any charset: ISO-8859-1, UTF-8, ...)."""

from __future__ import annotations

import datetime
import email
import hashlib
import logging
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, MIMEPart
from email.utils import getaddresses, parsedate_to_datetime
from html import unescape

import nh3
from django.utils import timezone

logger = logging.getLogger(__name__)

# Tags and attributes an email's HTML keeps; everything else (scripts, styles, forms, frames,
# event handlers) is dropped with its content where it has any.
HTML_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "div", "em", "font", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "small", "span",
    "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
HTML_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align"},
    "*": {"title"},
}


@dataclass(frozen=True)
class Address:
    name: str
    address: str  # lowercased


@dataclass(frozen=True)
class AttachedFile:
    filename: str
    content_type: str
    content: bytes


@dataclass
class ParsedMessage:
    message_id: str
    dedup_key: str
    in_reply_to: str
    references: list[str]
    subject: str
    sender: Address | None
    to: list[Address]
    cc: list[Address]
    date: datetime.datetime
    text: str
    html: str
    attachments: list[AttachedFile] = field(default_factory=list)
    raw_size: int = 0

    @property
    def ancestors(self) -> list[str]:
        """Message-IDs this one answers, the nearest first."""
        ids = [self.in_reply_to, *reversed(self.references)]
        return list(dict.fromkeys(i for i in ids if i))


def message_ids(value: str) -> list[str]:
    """The ids in a Message-ID, In-Reply-To or References header, without angle brackets."""
    found = []
    for part in value.replace(">", "> ").split():
        part = part.strip().strip("<>").strip()
        if part and "@" in part:
            found.append(part)
    return found


def dedup_key(*, message_id: str, raw: bytes) -> str:
    basis = b"id:" + message_id.encode() if message_id else b"raw:" + raw
    return hashlib.sha256(basis).hexdigest()


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=HTML_TAGS,
        attributes=HTML_ATTRIBUTES,
        clean_content_tags={"script", "style", "title", "head"},
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


def _local_images_only(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.lower().startswith("cid:"):
        return None
    return value


def without_remote_images(html: str) -> str:
    """Stored (sanitized) HTML with every image source from the internet removed, so opening
    an email tells no tracker it was read."""
    return nh3.clean(
        html,
        tags=HTML_TAGS,
        attributes=HTML_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_local_images_only,
    )


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError, AttributeError):  # a header it cannot parse
        value = next((v for k, v in message.raw_items() if k.lower() == name.lower()), "")
    return " ".join(str(value or "").split())


def _addresses(message: EmailMessage, name: str) -> list[Address]:
    pairs: list[tuple[str, str]] = []
    try:
        for header in message.get_all(name, failobj=[]):
            pairs += [(a.display_name, a.addr_spec) for a in header.addresses]
    except (ValueError, IndexError, TypeError, AttributeError):
        raw = [v for k, v in message.raw_items() if k.lower() == name.lower()]
        pairs = getaddresses([str(v) for v in raw])
    found = []
    for display, addr in pairs:
        addr = addr.strip().lower()
        if "@" in addr:
            found.append(Address(name=display.strip(), address=addr))
    return found


def _date(message: EmailMessage) -> datetime.datetime:
    now = timezone.now()
    try:
        date = parsedate_to_datetime(_header(message, "Date"))
    except (TypeError, ValueError, IndexError):
        return now
    if timezone.is_naive(date):
        date = timezone.make_aware(date, datetime.UTC)
    # A sender's clock ahead of ours must not put the email in the future.
    return min(date, now)


def _text_of(part: MIMEPart | None) -> str:
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError):  # unknown charset, broken encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    return content if isinstance(content, str) else ""


def _attachments(message: EmailMessage) -> list[AttachedFile]:
    files = []
    for part in message.iter_attachments():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        filename = part.get_filename() or "attachment"
        files.append(AttachedFile(filename, part.get_content_type(), payload))
    return files


def parse(raw: bytes) -> ParsedMessage:
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)  # noqa: S101 (policy.default makes them)
    ids = message_ids(_header(message, "Message-ID"))
    message_id = ids[0] if ids else ""
    in_reply_to = message_ids(_header(message, "In-Reply-To"))
    senders = _addresses(message, "From")
    html = _text_of(message.get_body(preferencelist=("html",)))
    text = _text_of(message.get_body(preferencelist=("plain",)))
    if not text and html:
        stripped = nh3.clean(html, tags=set(), clean_content_tags={"script", "style", "head"})
        text = unescape(stripped)
    return ParsedMessage(
        message_id=message_id,
        dedup_key=dedup_key(message_id=message_id, raw=raw),
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=message_ids(_header(message, "References")),
        subject=_header(message, "Subject"),
        sender=senders[0] if senders else None,
        to=_addresses(message, "To"),
        cc=_addresses(message, "Cc"),
        date=_date(message),
        text=text.strip(),
        html=sanitize_html(html) if html else "",
        attachments=_attachments(message),
        raw_size=len(raw),
    )
