"""Reads of email for its screens. Visibility comes from access.visible_messages_q, in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from sampo.accounts.models import User
from sampo.contacts.models import Organization, Person
from sampo.mail import access, merge_fields
from sampo.mail.models import Attachment, EmailTemplate, Message, Participant, SkippedMessage

PAGE_SIZE = 50
PANEL_SIZE = 5


@dataclass
class Page:
    rows: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _with_relations(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.select_related("author", "organization").prefetch_related(
        Prefetch("participants", queryset=Participant.objects.select_related("person")),
        Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
    )


def message_detail(*, user: User, message: Message) -> dict[str, Any]:
    """The message with its participants, files and the other visible messages of its thread."""
    message = _with_relations(Message.objects.filter(pk=message.pk)).get()
    thread = (
        Message.objects.filter(access.visible_messages_q(user), thread_id=message.thread_id)
        .exclude(pk=message.pk)
        .order_by("date", "id")
        .only("id", "subject", "date", "direction", "status", "from_name", "from_address")
    )
    participants = list(message.participants.all())
    people = list({p.person.pk: p.person for p in participants if p.person}.values())
    return {
        "message": message,
        "participants": participants,
        "senders": [p for p in participants if p.role == Participant.Role.FROM],
        "recipients": [p for p in participants if p.role == Participant.Role.TO],
        "copies": [p for p in participants if p.role == Participant.Role.CC],
        "people": people,
        "attachments": list(message.attachments.all()),
        "thread": list(thread[:100]),
        "reply_person": next((p for p in people if p.email and not p.is_deleted), None),
    }


def unmatched_inbox(*, user: User, page: int = 1) -> Page:
    access.require_triage(user)
    number = max(page, 1)
    rows = (
        Message.objects.filter(direction=Message.Direction.INCOMING, activity__isnull=True)
        .prefetch_related("attachments")
        .order_by("-date", "-id")
    )
    fetched = list(rows[(number - 1) * PAGE_SIZE : number * PAGE_SIZE + 1])
    return Page(fetched[:PAGE_SIZE], number, len(fetched) > PAGE_SIZE)


SKIPPED_SHOWN = 50


def skipped_messages(*, user: User) -> list[SkippedMessage]:
    """Messages the mailbox poll read past and nobody has dismissed yet, newest first."""
    access.require_triage(user)
    rows = SkippedMessage.objects.filter(dismissed_at__isnull=True).order_by("-created_at", "-id")
    return list(rows[:SKIPPED_SHOWN])


def unmatched_count(*, user: User) -> int:
    if not access.can_triage(user):
        return 0
    return Message.objects.filter(
        direction=Message.Direction.INCOMING, activity__isnull=True
    ).count()


def person_messages(*, user: User, person: Person) -> list[Message]:
    """The person's latest emails, for the panel on their page (a failed send shows here)."""
    ids = Participant.objects.filter(person=person).values("message_id")
    rows = Message.objects.filter(access.visible_messages_q(user), pk__in=ids)
    return list(rows.order_by("-date", "-id")[:PANEL_SIZE])


def message_for_activity(*, user: User, activity_pk: int) -> Message | None:
    return (
        Message.objects.filter(access.visible_messages_q(user), activity_id=activity_pk)
        .only("id")
        .first()
    )


# --- Templates ------------------------------------------------------------------------------


def template_list() -> list[EmailTemplate]:
    return list(EmailTemplate.objects.prefetch_related("variants").order_by("name", "id"))


def template_text(template: EmailTemplate, language: str) -> tuple[str, str]:
    """Subject and body in the language, or the default text when it has no variant."""
    for variant in template.variants.all():
        if variant.language == language:
            return variant.subject, variant.body
    return template.subject, template.body


def template_rendered(
    *, template: EmailTemplate, person: Person, organization: Organization | None, user: User
) -> tuple[str, str]:
    """The template for this person, in their preferred language, merge fields filled in."""
    subject, body = template_text(template, person.preferred_language)
    context = merge_fields.context_for(person=person, organization=organization, user=user)
    rendered_subject = " ".join(merge_fields.render(subject, context).split())
    return rendered_subject, merge_fields.render(body, context)
