"""The IMAP poll against a real Dovecot started by the test, with its own maildir."""

from __future__ import annotations

import pytest

from sampo.core import schedules
from sampo.mail import tasks
from sampo.mail.models import MailboxCursor, Message, SkippedMessage
from sampo.mail.tests import samples
from sampo.notifications.models import Notification


@pytest.fixture
def imap_settings(settings, dovecot):
    settings.IMAP_HOST = dovecot.host
    settings.IMAP_PORT = dovecot.port
    settings.IMAP_SSL = False
    settings.IMAP_USER = dovecot.user
    settings.IMAP_PASSWORD = dovecot.password
    settings.IMAP_FOLDER = "INBOX"
    return settings


def test_it_fetches_new_messages_from_the_mailbox(imap_settings, dovecot, customer):
    dovecot.deliver(samples.simple())
    dovecot.deliver(samples.ISO_8859_1)
    dovecot.deliver(samples.HUNGARIAN_ALTERNATIVE)

    assert tasks.fetch_mailbox() == 3

    matched = Message.objects.get(message_id="offer-1@virtanen.example")
    assert matched.activity is not None
    assert list(matched.activity.people.all()) == [customer]
    unmatched = Message.objects.get(message_id="iso-1@saha.example")
    assert unmatched.is_unmatched
    assert unmatched.subject == "Päätös hankinnasta äöå"
    assert Message.objects.get(message_id="hu-1@gyar.example").subject == "Árajánlat - űrlap"


def test_fetching_twice_stores_each_message_once(imap_settings, dovecot, customer):
    dovecot.deliver(samples.simple())
    tasks.fetch_mailbox()
    dovecot.deliver(samples.ISO_8859_1)

    assert tasks.fetch_mailbox() == 1  # only the new one
    assert tasks.fetch_mailbox() == 0
    assert Message.objects.count() == 2


def test_a_message_delivered_twice_or_read_again_from_the_start_is_stored_once(
    imap_settings, dovecot, customer
):
    dovecot.deliver(samples.simple())
    dovecot.deliver(samples.simple())  # a second copy (e.g. To and BCC), same Message-ID
    dovecot.deliver(samples.simple(message_id=None))

    assert tasks.fetch_mailbox() == 2
    MailboxCursor.objects.update(last_uid=0)  # as after the server renumbered the folder
    assert tasks.fetch_mailbox() == 0
    assert Message.objects.count() == 2


def test_a_message_over_the_size_limit_is_left_in_the_mailbox_and_reported(
    imap_settings, dovecot, admin, seller, client
):
    imap_settings.MAIL_MAX_MESSAGE_BYTES = 600
    dovecot.deliver(samples.simple(subject="Iso liite", body="x" * 2000))
    dovecot.deliver(samples.ISO_8859_1)

    assert tasks.fetch_mailbox() == 1
    MailboxCursor.objects.update(last_uid=0)  # read again from the start: reported once
    assert tasks.fetch_mailbox() == 0

    assert dovecot.client().select("INBOX")[1] == [b"2"]
    skipped = SkippedMessage.objects.get()
    assert (skipped.reason, skipped.subject) == ("too_large", "Iso liite")
    assert skipped.sender == "Maija Lehtonen <maija.lehtonen@virtanen.example>"
    assert (skipped.size or 0) > 2000
    assert [n.recipient for n in Notification.objects.filter(kind="mail_skipped")] == [admin]
    client.force_login(seller)
    page = client.get("/mail/unmatched/").content.decode()
    assert "Iso liite" in page
    assert "over the size limit" in page


def test_nothing_is_fetched_or_scheduled_while_imap_is_not_configured(settings, db):
    settings.IMAP_HOST = ""

    assert tasks.fetch_mailbox() == 0
    assert "sampo:mail-fetch" not in schedules.JOBS
    assert "sampo:mail-retry" in schedules.JOBS
