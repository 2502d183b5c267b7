"""POST /mail/inbound/: a raw RFC 822 message, authenticated by a bearer token."""

from __future__ import annotations

import pytest
from django.test import Client

from sampo.mail.models import Message
from sampo.mail.tests import samples

TOKEN = "s3cret-inbound-token"
URL = "/mail/inbound/"


@pytest.fixture
def token(settings):
    settings.MAIL_INBOUND_TOKEN = TOKEN
    return TOKEN


@pytest.fixture
def machine():
    """A client that checks CSRF like a browser's would be checked."""
    return Client(enforce_csrf_checks=True)


def post(client, raw, token=TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(URL, data=raw, content_type="message/rfc822", headers=headers)


def test_it_stores_a_posted_message_without_a_session_or_csrf_token(machine, token, customer):
    response = post(machine, samples.simple())

    assert response.status_code == 201
    body = response.json()
    assert body["created"] is True
    assert body["matched"] is True
    assert Message.objects.get(pk=body["id"]).activity is not None


def test_the_same_message_posted_twice_is_stored_once(machine, token, customer):
    first = post(machine, samples.simple())
    second = post(machine, samples.simple())

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == {**first.json(), "created": False}
    assert Message.objects.count() == 1


@pytest.mark.parametrize("sent_token", ["", "wrong-token", TOKEN + "x"])
def test_it_refuses_a_missing_or_wrong_token(machine, token, sent_token, db):
    response = post(machine, samples.simple(), token=sent_token)

    assert response.status_code == 401
    assert Message.objects.count() == 0


def test_it_does_not_exist_while_no_token_is_configured(machine, settings, db):
    settings.MAIL_INBOUND_TOKEN = ""

    assert post(machine, samples.simple(), token="").status_code == 404
    assert post(machine, samples.simple(), token="anything").status_code == 404


def test_it_refuses_a_message_over_the_size_limit(machine, token, settings, db):
    settings.MAIL_MAX_MESSAGE_BYTES = 500

    response = post(machine, samples.simple(body="x" * 1000))

    assert response.status_code == 413
    assert Message.objects.count() == 0


def test_it_refuses_an_empty_body_and_other_methods(machine, token, db):
    assert post(machine, b"").status_code == 400
    assert machine.get(URL, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 405


def test_an_unknown_sender_lands_in_the_unmatched_inbox(machine, token, db):
    response = post(machine, samples.ISO_8859_1)

    assert response.status_code == 201
    assert response.json()["matched"] is False


def test_other_mail_pages_still_need_a_login_and_csrf(machine, token, customer, seller):
    message_id = post(machine, samples.simple()).json()["id"]

    page = machine.get(f"/mail/messages/{message_id}/")
    assert page.status_code == 302
    assert "/login/" in page["Location"]
    machine.force_login(seller)
    assert machine.post(f"/mail/messages/{message_id}/retry/").status_code == 403
