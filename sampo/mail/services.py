"""Every write on email: templates, sending, receiving, and putting unmatched mail on a
person's timeline. An email on a timeline is an activity of type `email`, made through
activities.services.activity_log; the message is stored here, one to one with it."""

from __future__ import annotations

from dataclasses import dataclass
from email import policy as email_policy
from email.parser import BytesHeaderParser
from email.utils import make_msgid, parseaddr
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from sampo.accounts.access import require_admin
from sampo.accounts.models import ApiToken, Role, User
from sampo.activities import services as activities
from sampo.activities.access import can_log
from sampo.activities.models import ActivityType
from sampo.contacts import selectors as contact_selectors
from sampo.contacts import services as contacts
from sampo.contacts.models import Organization, Person
from sampo.core import records
from sampo.core.audit import audit_record
from sampo.mail import access, attachments, merge_fields, sending
from sampo.mail.models import (
    Attachment,
    EmailTemplate,
    EmailTemplateVariant,
    Message,
    Participant,
    SkippedMessage,
    Thread,
)
from sampo.mail.parsing import ParsedMessage, dedup_key, parse
from sampo.notifications.services import notify

# How much of an email the timeline shows; the whole message is one click away.
TIMELINE_EXCERPT_CHARS = 600
LANGUAGES = [code for code, _name in settings.LANGUAGES]


class MessageTooLargeError(ValidationError):
    pass


@dataclass(frozen=True)
class Received:
    message: Message
    created: bool


# --- Templates ------------------------------------------------------------------------------


def _check_template(subject: str, body: str, variants: dict[str, tuple[str, str]]) -> None:
    errors: dict[str, list[str]] = {}
    for suffix, (vsubject, vbody) in {"": (subject, body), **variants}.items():
        for name, source in (("subject", vsubject), ("body", vbody)):
            try:
                merge_fields.check(source)
            except ValidationError as error:
                errors.setdefault(f"{name}_{suffix}" if suffix else name, []).extend(error.messages)
    if errors:
        raise ValidationError(errors)


def _save_variants(template: EmailTemplate, variants: dict[str, tuple[str, str]]) -> None:
    """`variants` maps a language to (subject, body); a language left out has none."""
    template.variants.exclude(language__in=list(variants)).delete()
    for language, (subject, body) in variants.items():
        if language not in LANGUAGES:
            raise ValidationError(_("Unknown language: %(code)s") % {"code": language})
        EmailTemplateVariant.objects.update_or_create(
            template=template,
            language=language,
            defaults={"subject": subject.strip(), "body": body},
        )


def email_template_create(
    *,
    actor: User,
    name: str,
    subject: str,
    body: str,
    variants: dict[str, tuple[str, str]] | None = None,
) -> EmailTemplate:
    require_admin(actor)
    variants = variants or {}
    _check_template(subject, body, variants)
    with transaction.atomic():
        template = records.record_create(
            EmailTemplate(name=name.strip(), subject=subject.strip(), body=body), actor=actor
        )
        _save_variants(template, variants)
    return template


def email_template_update(
    *,
    actor: User,
    template: EmailTemplate,
    name: str,
    subject: str,
    body: str,
    variants: dict[str, tuple[str, str]] | None = None,
    expected_version: int | None = None,
) -> EmailTemplate:
    require_admin(actor)
    variants = variants or {}
    _check_template(subject, body, variants)
    with transaction.atomic():
        template = records.record_update(
            template,
            actor=actor,
            values={"name": name.strip(), "subject": subject.strip(), "body": body},
            expected_version=expected_version,
        )
        _save_variants(template, variants)
    return template


def email_template_trash(*, actor: User, template: EmailTemplate) -> EmailTemplate:
    require_admin(actor)
    return records.record_trash(template, actor=actor)


# --- Sending --------------------------------------------------------------------------------


def _email_type() -> ActivityType:
    return ActivityType.objects.get(code="email")


def _primary_organization(person: Person) -> Organization | None:
    membership = (
        person.memberships.filter(end_date__isnull=True, organization__deleted_at__isnull=True)
        .select_related("organization")
        .order_by("-is_primary", "id")
        .first()
    )
    return membership.organization if membership else None


def _excerpt(text: str) -> str:
    return Truncator(text.strip()).chars(TIMELINE_EXCERPT_CHARS)


def _own_address() -> tuple[str, str]:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return name, address.lower()


def _reply_headers(parent: Message | None) -> dict[str, Any]:
    if parent is None or not parent.message_id:
        return {"in_reply_to": "", "references": ""}
    chain = [*parent.references.split(), parent.message_id]
    return {"in_reply_to": parent.message_id, "references": " ".join(chain[-20:])}


def email_send(
    *,
    actor: User,
    person: Person,
    subject: str,
    body: str,
    reply_to: Message | None = None,
) -> Message:
    """Log the email on the person's timeline now; the worker sends it after the commit."""
    access.require_send(actor)
    if person.is_deleted:
        raise ValidationError(_("This person is in the trash."))
    if not person.email:
        raise ValidationError(_("This person has no email address."))
    if reply_to is not None and not access.can_see(actor, reply_to):
        raise ValidationError(_("The message being answered was not found."))
    subject, organization = subject.strip(), _primary_organization(person)
    if not subject:
        raise ValidationError({"subject": _("An email needs a subject.")})
    _own_name, own_address = _own_address()
    message_id = make_msgid(domain=own_address.rpartition("@")[2] or "localhost").strip("<>")
    with transaction.atomic():
        activity = activities.activity_log(
            actor=actor,
            type=_email_type(),
            subject=Truncator(subject).chars(200),
            body=_excerpt(body),
            organization=organization,
            people=[person],
        )
        message = Message.objects.create(
            activity=activity,
            thread=reply_to.thread if reply_to else Thread.objects.create(subject=subject),
            direction=Message.Direction.OUTGOING,
            status=Message.Status.QUEUED,
            message_id=message_id,
            dedup_key=dedup_key(message_id=message_id, raw=b""),
            subject=subject,
            from_name=actor.name,
            from_address=own_address,
            text_body=body,
            date=timezone.now(),
            organization=organization,
            author=actor,
            **_reply_headers(reply_to),
        )
        Participant.objects.bulk_create(
            [
                Participant(message=message, role="from", name=actor.name, address=own_address),
                Participant(
                    message=message,
                    role="to",
                    name=person.full_name,
                    address=person.email.lower(),
                    person=person,
                ),
            ]
        )
        sending.enqueue(message.pk)
    return message


def email_retry(*, actor: User, message: Message) -> Message:
    """Send a failed email again now, whatever its schedule of retries said."""
    access.require_send(actor)
    if not access.can_see(actor, message):
        raise ValidationError(_("The email was not found."))
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, status=Message.Status.FAILED).update(
            status=Message.Status.QUEUED, next_attempt_at=None
        )
        if not updated:
            raise ValidationError(_("Only an email whose sending failed can be sent again."))
        sending.enqueue(message.pk)
    message.refresh_from_db()
    return message


# --- Receiving ------------------------------------------------------------------------------


def _people_by_address(addresses: list[str]) -> dict[str, list[Person]]:
    # Any of a person's emails counts, their further ones included.
    return contact_selectors.people_by_email(addresses)


def _own_addresses() -> set[str]:
    own = {_own_address()[1], parseaddr(settings.MAIL_REPLY_TO)[1].lower()}
    if "@" in settings.IMAP_USER:
        own.add(settings.IMAP_USER.lower())
    return own - {""}


def _thread_for(parsed: ParsedMessage) -> Thread:
    """The thread of the nearest message this one answers, or of a reply that came first."""
    if parsed.ancestors:
        by_id = {
            m.message_id: m.thread
            for m in Message.objects.filter(message_id__in=parsed.ancestors).select_related(
                "thread"
            )
        }
        for ancestor in parsed.ancestors:
            if ancestor in by_id:
                return by_id[ancestor]
    if parsed.message_id:
        reply = Message.objects.filter(in_reply_to=parsed.message_id).select_related("thread")
        if first := reply.first():
            return first.thread
    return Thread.objects.create(subject=parsed.subject[:300])


def _assignee(author: User | None, people: list[Person]) -> User | None:
    """Who the timeline entry belongs to: the colleague who sent it, else the owner of the
    person it is about, else an admin."""
    if author is not None and can_log(author):
        return author
    for person in people:
        if can_log(person.owner):
            return person.owner
    return (
        User.objects.filter(is_active=True, role__code=Role.ADMIN).order_by("id").first()
        or User.objects.filter(is_active=True, is_superuser=True).order_by("id").first()
    )


def _put_on_timeline(message: Message, *, people: list[Person], actor: User | None) -> Message:
    """Make the email activity for a stored message and link the message to it."""
    actor = actor if actor is not None else _assignee(message.author, people)
    if actor is None or not people:
        return message
    organization = _primary_organization(people[0])
    activity = activities.activity_log(
        actor=actor,
        type=_email_type(),
        subject=Truncator(message.subject or _("(no subject)")).chars(200),
        body=_excerpt(message.text_body),
        when=min(message.date, timezone.now()),
        organization=organization,
        people=people,
    )
    message.activity, message.organization = activity, organization
    message.save(update_fields=["activity", "organization"])
    return message


def _participants(message: Message, parsed: ParsedMessage) -> list[Participant]:
    rows = [(Participant.Role.FROM, parsed.sender)] if parsed.sender else []
    rows += [(Participant.Role.TO, a) for a in parsed.to]
    rows += [(Participant.Role.CC, a) for a in parsed.cc]
    return [
        Participant(message=message, role=role, name=a.name[:200], address=a.address[:320])
        for role, a in rows
    ]


def _keep_attachments(message: Message, parsed: ParsedMessage, saved: list[str]) -> None:
    rows = []
    for attached in parsed.attachments:
        reason = attachments.refusal(attached)
        name = "" if reason else attachments.store(attached)
        if name:
            saved.append(name)
        rows.append(
            Attachment(
                message=message,
                filename=attached.filename[:255],
                content_type=attached.content_type[:150],
                size=len(attached.content),
                file=name,
                skipped=reason,
            )
        )
    Attachment.objects.bulk_create(rows)


def _store(parsed: ParsedMessage, saved_files: list[str]) -> Message:
    addresses = [p.address for p in [parsed.sender, *parsed.to, *parsed.cc] if p is not None]
    own = _own_addresses()
    colleagues = {u.email: u for u in User.objects.filter(email__in=addresses, is_active=True)}
    sender = parsed.sender.address if parsed.sender else ""
    author = colleagues.get(sender)
    outgoing = author is not None or sender in own
    customers = [a for a in addresses if a not in colleagues and a not in own]
    by_address = _people_by_address(customers)
    message = Message.objects.create(
        thread=_thread_for(parsed),
        direction=Message.Direction.OUTGOING if outgoing else Message.Direction.INCOMING,
        status=Message.Status.SENT if outgoing else Message.Status.RECEIVED,
        message_id=parsed.message_id[:500],
        dedup_key=parsed.dedup_key,
        in_reply_to=parsed.in_reply_to[:500],
        references=" ".join(parsed.references),
        subject=parsed.subject[:300],
        from_name=parsed.sender.name[:200] if parsed.sender else "",
        from_address=sender[:320],
        text_body=parsed.text,
        html_body=parsed.html,
        date=parsed.date,
        raw_size=parsed.raw_size,
        author=author,
    )
    participants = _participants(message, parsed)
    for participant in participants:
        matches = by_address.get(participant.address, [])
        participant.person = matches[0] if matches else None
    Participant.objects.bulk_create(participants)
    _keep_attachments(message, parsed, saved_files)
    people = list({p.pk: p for a in customers for p in by_address.get(a, [])}.values())
    return _put_on_timeline(message, people=people, actor=None)


def email_receive(*, raw_bytes: bytes, received_by: ApiToken | None = None) -> Received:
    """Store a raw RFC 822 message once (by Message-ID, or by its bytes when it has none),
    matched to people by address and threaded; from IMAP and from the HTTP endpoint.
    `received_by`: the personal API token of a user's integration that posted it (audited);
    None for the mailbox poller and the shared inbound token."""
    limit = settings.MAIL_MAX_MESSAGE_BYTES
    if len(raw_bytes) > limit:
        raise MessageTooLargeError(_("The message is larger than the limit."))
    parsed = parse(raw_bytes)
    existing = Message.objects.filter(dedup_key=parsed.dedup_key).first()
    if existing is not None:
        return Received(existing, created=False)
    saved_files: list[str] = []
    try:
        with transaction.atomic():
            message = _store(parsed, saved_files)
            if received_by is not None:
                audit_record(
                    "email_received_by_integration",
                    actor=received_by.user,
                    target=message,
                    details={"token": received_by.name, "prefix": received_by.prefix},
                )
    except IntegrityError:
        # Fetched by two workers at once: the other one stored it first.
        for name in saved_files:
            default_storage.delete(name)
        existing = Message.objects.filter(dedup_key=parsed.dedup_key).first()
        if existing is None:
            raise
        return Received(existing, created=False)
    return Received(message, created=True)


# --- The unmatched inbox --------------------------------------------------------------------


def email_link(*, actor: User, message: Message, person: Person) -> Message:
    """Put an unmatched email on the person's timeline; the sender is that person. Other
    unmatched mail from the same address follows when it is the person's own address."""
    access.require_triage(actor)
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if not message.is_unmatched:
            raise ValidationError(_("This email is already on a timeline."))
        if person.is_deleted:
            raise ValidationError(_("This person is in the trash."))
        linked = _link_one(message, person, actor)
        address = message.from_address
        if address and person in contact_selectors.people_by_email([address]).get(address, []):
            others = Message.objects.select_for_update().filter(
                direction=Message.Direction.INCOMING, activity__isnull=True, from_address=address
            )
            for other in others.exclude(pk=message.pk):
                _link_one(other, person, actor)
    return linked


def _link_one(message: Message, person: Person, actor: User) -> Message:
    message.participants.filter(role=Participant.Role.FROM).update(person=person)
    return _put_on_timeline(message, people=[person], actor=actor)


def email_link_new_person(
    *,
    actor: User,
    message: Message,
    values: dict[str, Any],
    organization: Organization | None = None,
    allow_duplicate: bool = False,
) -> Person:
    """Create a person from the sender (the form comes prefilled) and link the email."""
    access.require_triage(actor)
    with transaction.atomic():
        person = contacts.person_create(
            actor=actor,
            values=values,
            organization=organization,
            allow_duplicate=allow_duplicate,
        )
        email_link(actor=actor, message=message, person=person)
    return person


def sender_as_person_values(message: Message) -> dict[str, str]:
    """First and last name guessed from the display name ("Järvinen, Anna" or "Anna
    Järvinen"), and the address."""
    name = " ".join(message.from_name.replace('"', "").split())
    if "," in name:
        last, _sep, first = name.partition(",")
    else:
        first, _sep, last = name.rpartition(" ")
    if not last.strip():
        last = message.from_address.partition("@")[0]
    return {"first_name": first.strip(), "last_name": last.strip(), "email": message.from_address}


# --- Messages the mailbox poll could not store ------------------------------------------------


def mailbox_message_skipped(
    *,
    mailbox: str,
    uid_validity: int,
    uid: int,
    reason: str,
    headers: bytes,
    size: int | None = None,
    detail: str = "",
) -> SkippedMessage | None:
    """Records a message the poll read past and tells the admins; None if it was recorded
    before (a poll that restarted from an older cursor)."""
    fields = _header_fields(headers)
    with transaction.atomic():
        skipped, created = SkippedMessage.objects.get_or_create(
            mailbox=mailbox[:400],
            uid_validity=uid_validity,
            uid=uid,
            defaults={"reason": reason, "size": size, "detail": detail[:2000], **fields},
        )
        if not created:
            return None
        for admin in User.objects.filter(is_active=True, role__code=Role.ADMIN):
            notify(
                recipient=admin,
                kind="mail_skipped",
                text=_lazy("An email in the CRM mailbox was not imported: %(subject)s"),
                params={"subject": skipped.subject or skipped.sender or f"UID {uid}"},
                url=reverse("mail:unmatched") + "#skipped",
            )
    return skipped


def _header_fields(headers: bytes) -> dict[str, str]:
    """From, subject, date and Message-ID as text, whatever state the rest of the message is
    in; a header that cannot be decoded is kept as it came."""
    parsed = BytesHeaderParser(policy=email_policy.default).parsebytes(headers)

    def text(name: str, limit: int) -> str:
        try:
            value = str(parsed.get(name, "") or "")
        except (ValueError, TypeError, IndexError):  # a malformed header the policy rejects
            value = str(parsed.get_all(name, [""])[0])
        return " ".join(value.split())[:limit]

    return {
        "sender": text("From", 400),
        "subject": text("Subject", 500),
        "date_header": text("Date", 100),
        "message_id": text("Message-ID", 500),
    }


def skipped_message_dismiss(*, actor: User, skipped: SkippedMessage) -> None:
    access.require_triage(actor)
    skipped.dismissed_at = timezone.now()
    skipped.dismissed_by = actor
    skipped.save(update_fields=["dismissed_at", "dismissed_by"])
