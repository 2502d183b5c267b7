"""email_receive: stored once, matched to people by address, threaded, files kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from sampo.activities.models import Activity
from sampo.contacts import services as contacts
from sampo.mail.models import Message
from sampo.mail.services import email_receive
from sampo.mail.tests import samples


def test_it_puts_a_known_senders_email_on_their_timeline(customer, organization, seller):
    received = email_receive(raw_bytes=samples.simple())

    message = received.message
    assert received.created
    assert message.direction == "in"
    assert message.status == "received"
    activity = message.activity
    assert activity is not None
    assert activity.type.code == "email"
    assert activity.subject == "Tarjouspyyntö"
    assert list(activity.people.all()) == [customer]
    assert activity.organization == organization
    assert activity.assignee == seller  # the person's owner
    assert message.organization == organization
    assert message.participants.get(role="from").person == customer


def test_it_matches_addresses_whatever_their_case(customer):
    raw = samples.simple(sender="MAIJA.LEHTONEN@VIRTANEN.EXAMPLE")

    assert email_receive(raw_bytes=raw).message.activity is not None


def test_it_stores_a_message_once_when_it_comes_twice(customer):
    first = email_receive(raw_bytes=samples.simple())
    again = email_receive(raw_bytes=samples.simple())

    assert again.created is False
    assert again.message.pk == first.message.pk
    assert Message.objects.count() == 1
    assert Activity.objects.filter(type__code="email").count() == 1


def test_it_stores_a_message_without_message_id_once_by_its_content(customer):
    raw = samples.simple(message_id=None)

    email_receive(raw_bytes=raw)
    email_receive(raw_bytes=raw)
    email_receive(raw_bytes=samples.simple(message_id=None, body="Another one"))

    assert Message.objects.count() == 2


def test_it_keeps_an_unknown_senders_email_in_the_unmatched_inbox(db):
    message = email_receive(raw_bytes=samples.ISO_8859_1).message

    assert message.is_unmatched
    assert message.activity is None
    assert message.from_name == "Järvinen, Päivi"


def test_it_threads_a_reply_with_the_message_it_answers(customer):
    first = email_receive(raw_bytes=samples.simple(message_id="<a@virtanen.example>")).message
    reply = email_receive(
        raw_bytes=samples.simple(
            message_id="<c@virtanen.example>",
            in_reply_to="<b@sampo.example>",
            references="<a@virtanen.example> <b@sampo.example>",
            subject="Re: Tarjouspyyntö",
        )
    ).message
    unrelated = email_receive(raw_bytes=samples.simple(message_id="<z@virtanen.example>")).message

    assert reply.thread_id == first.thread_id
    assert unrelated.thread_id != first.thread_id


def test_a_reply_that_arrives_before_its_parent_joins_the_thread(customer):
    reply = email_receive(
        raw_bytes=samples.simple(message_id="<r@x.example>", in_reply_to="<p@x.example>")
    ).message
    parent = email_receive(raw_bytes=samples.simple(message_id="<p@x.example>")).message

    assert parent.thread_id == reply.thread_id


def test_it_keeps_attachments_in_the_storage_and_refuses_executables(customer, settings):
    settings.MAIL_MAX_ATTACHMENT_BYTES = 1000
    raw = samples.with_attachments(
        files=[
            ("tarjous.pdf", "application/pdf", b"%PDF-1.4 tarjous"),
            ("lasku.exe", "application/octet-stream", b"MZ\x90\x00"),
            ("renamed.pdf", "application/pdf", b"MZ\x90\x00 a program in disguise"),
            ("huge.pdf", "application/pdf", b"%PDF" + b"x" * 2000),
        ]
    )

    message = email_receive(raw_bytes=raw).message

    kept, exe, disguised, huge = message.attachments.order_by("id")
    assert kept.skipped == ""
    assert kept.file.name.startswith("mail/")
    assert default_storage.open(kept.file.name).read() == b"%PDF-1.4 tarjous"
    for refused in (exe, disguised):
        assert not refused.file
        assert refused.skipped == "a type of file that could run code"
    assert not huge.file
    assert huge.skipped.startswith("larger than")
    assert huge.size == 2004


def test_it_refuses_a_message_over_the_size_limit(customer, settings):
    settings.MAIL_MAX_MESSAGE_BYTES = 100

    with pytest.raises(ValidationError):
        email_receive(raw_bytes=samples.simple(body="x" * 200))

    assert Message.objects.count() == 0


def test_a_copy_of_mail_a_colleague_sent_is_logged_as_outgoing_on_their_name(customer, manager):
    raw = samples.simple(
        sender=f"Maija Manager <{manager.email}>",
        to="Maija Lehtonen <maija.lehtonen@virtanen.example>",
        subject="Tarjous liitteenä",
    )

    message = email_receive(raw_bytes=raw).message

    assert message.direction == "out"
    assert message.status == "sent"
    assert message.author == manager
    assert message.activity is not None
    assert message.activity.assignee == manager
    assert list(message.activity.people.all()) == [customer]


def test_it_links_every_person_who_shares_an_address(customer, seller):
    twin = contacts.person_create(
        actor=seller,
        values={"first_name": "M.", "last_name": "Lehtonen", "email": customer.email},
        allow_duplicate=True,
    )

    message = email_receive(raw_bytes=samples.simple()).message

    assert message.activity is not None
    assert set(message.activity.people.all()) == {customer, twin}


def test_it_matches_a_sender_by_a_further_email_of_theirs(seller, organization):
    person = contacts.person_create(
        actor=seller,
        values={
            "first_name": "Maija",
            "last_name": "Lehtonen",
            "email": "maija@toinen.example",
            "contact_details": [
                {"kind": "email", "label": "work", "value": "Maija.Lehtonen@Virtanen.example"}
            ],
        },
        organization=organization,
    )

    message = email_receive(raw_bytes=samples.simple()).message

    assert message.activity is not None
    assert list(message.activity.people.all()) == [person]
    assert message.participants.get(role="from").person == person
