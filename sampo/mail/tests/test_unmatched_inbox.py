"""Email from unknown senders: kept, listed for those who may add people, then added as a new
person (prefilled from the sender) or linked to someone in the register."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sampo.contacts.models import Person
from sampo.mail import services
from sampo.mail.models import Message
from sampo.mail.tests import samples


@pytest.fixture
def stranger_mail(db):
    return services.email_receive(raw_bytes=samples.ISO_8859_1).message


def test_the_inbox_lists_unmatched_mail_only(client, seller, customer, stranger_mail):
    services.email_receive(raw_bytes=samples.simple())
    client.force_login(seller)

    page = client.get("/mail/unmatched/").content.decode()

    assert "Päätös hankinnasta äöå" in page
    assert "Tarjouspyyntö" not in page


def test_the_resolve_form_comes_prefilled_from_the_sender(client, seller, stranger_mail):
    client.force_login(seller)

    page = client.get(f"/mail/unmatched/{stranger_mail.pk}/").content.decode()

    assert 'value="Päivi"' in page
    assert 'value="Järvinen"' in page
    assert 'value="paivi.jarvinen@saha.example"' in page


def test_adding_the_sender_as_a_person_moves_the_mail_to_their_timeline(
    client, seller, stranger_mail, organization
):
    later = services.email_receive(
        raw_bytes=samples.simple(
            sender="paivi.jarvinen@saha.example", message_id="<iso-2@saha.example>"
        )
    ).message
    client.force_login(seller)

    response = client.post(
        f"/mail/unmatched/{stranger_mail.pk}/",
        {
            "create": "1",
            "first_name": "Päivi",
            "last_name": "Järvinen",
            "email": "paivi.jarvinen@saha.example",
            "organization": organization.pk,
        },
    )

    assert response.status_code == 302
    person = Person.objects.get(last_name="Järvinen")
    assert person.owner == seller
    assert person.memberships.get().organization == organization
    for message in (stranger_mail, later):  # earlier mail from the same address follows
        message.refresh_from_db()
        assert message.activity is not None
        assert list(message.activity.people.all()) == [person]
        assert message.activity.organization == organization
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Päätös hankinnasta äöå" in page
    assert "Päätös hankinnasta äöå" not in client.get("/mail/unmatched/").content.decode()


def test_linking_to_an_existing_person_puts_it_on_their_timeline(
    client, seller, customer, stranger_mail
):
    client.force_login(seller)

    picked = client.get("/mail/people/pick/?person_query=Lehtonen").content.decode()
    response = client.post(
        f"/mail/unmatched/{stranger_mail.pk}/", {"link": "1", "person": customer.pk}
    )

    assert f'value="{customer.pk}"' in picked
    assert response.status_code == 302
    stranger_mail.refresh_from_db()
    assert list(stranger_mail.activity.people.all()) == [customer]
    assert stranger_mail.participants.get(role="from").person == customer
    # Linked once: a second try is refused, nothing changes.
    assert client.get(f"/mail/unmatched/{stranger_mail.pk}/").status_code == 404


def test_a_likely_duplicate_is_shown_before_a_second_person_is_added(
    client, seller, customer, stranger_mail
):
    client.force_login(seller)
    values = {
        "create": "1",
        "first_name": "Maija",
        "last_name": "Lehtonen",
        "email": customer.email,
    }

    warned = client.post(f"/mail/unmatched/{stranger_mail.pk}/", values)

    assert warned.status_code == 200
    assert "may already be in the register" in warned.content.decode()
    assert Person.objects.count() == 1
    confirmed = client.post(
        f"/mail/unmatched/{stranger_mail.pk}/", {**values, "allow_duplicate": "on"}
    )
    assert confirmed.status_code == 302
    assert Person.objects.count() == 2


@pytest.mark.parametrize("persona", ["viewer"])
def test_those_who_cannot_add_people_cannot_resolve(
    client, request, persona, customer, stranger_mail
):
    client.force_login(request.getfixturevalue(persona))

    response = client.post(
        f"/mail/unmatched/{stranger_mail.pk}/", {"link": "1", "person": customer.pk}
    )

    assert response.status_code == 403
    stranger_mail.refresh_from_db()
    assert stranger_mail.activity is None


def test_the_inbox_takes_the_same_queries_for_one_message_and_fifty(client, seller):
    client.force_login(seller)
    services.email_receive(raw_bytes=samples.simple(message_id="<u0@x.example>"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/mail/unmatched/").status_code == 200
        return len(captured)

    one = queries()
    for number in range(1, 50):
        services.email_receive(raw_bytes=samples.simple(message_id=f"<u{number}@x.example>"))

    assert queries() == one
    assert Message.objects.filter(activity__isnull=True).count() == 50


def test_a_skipped_message_keeps_what_its_broken_headers_say_and_can_be_dismissed(
    client, seller, viewer
):
    headers = b"From: =?utf-8?q?broken <x@y.example>\r\nSubject: \xff\xfe Tilaus\r\n\r\n"
    skipped = services.mailbox_message_skipped(
        mailbox="crm@imap:143/INBOX", uid_validity=1, uid=7, reason="unreadable", headers=headers
    )
    assert skipped is not None
    assert "Tilaus" in skipped.subject
    assert "x@y.example" in skipped.sender

    client.force_login(viewer)
    assert client.post(f"/mail/skipped/{skipped.pk}/dismiss/").status_code == 403
    client.force_login(seller)
    response = client.post(f"/mail/skipped/{skipped.pk}/dismiss/", follow=True)

    skipped.refresh_from_db()
    assert skipped.dismissed_by == seller
    assert "Tilaus" not in response.content.decode().split('id="skipped"')[-1]
    assert client.post(f"/mail/skipped/{skipped.pk}/dismiss/").status_code == 404
