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


# --- A user's personal API token --------------------------------------------------------------


def _personal(user, scope):
    from sampo.accounts.api_tokens import api_token_create

    return api_token_create(actor=user, user=user, name="mail bridge", scope=scope).secret


def test_it_takes_a_users_write_token_and_audits_who_posted(machine, settings, customer, seller):
    from sampo.core.models import AuditEvent

    settings.MAIL_INBOUND_TOKEN = ""  # the shared token is not needed for a personal one

    response = post(machine, samples.simple(), token=_personal(seller, "write"))

    assert response.status_code == 201
    message = Message.objects.get(pk=response.json()["id"])
    event = AuditEvent.objects.get(action="email_received_by_integration")
    assert event.actor_id == seller.pk
    assert event.details["token"] == "mail bridge"
    assert event.target_id == str(message.pk)


def test_it_still_takes_the_shared_token_beside_personal_ones(machine, token, customer, seller):
    _personal(seller, "write")

    assert post(machine, samples.simple()).status_code == 201


def test_it_refuses_a_read_token_a_revoked_one_and_a_deactivated_users(
    machine, settings, customer, seller
):
    from sampo.accounts.api_tokens import api_token_revoke
    from sampo.accounts.models import ApiToken

    settings.MAIL_INBOUND_TOKEN = TOKEN
    assert post(machine, samples.simple(), token=_personal(seller, "read")).status_code == 403
    revoked = _personal(seller, "write")
    api_token_revoke(actor=seller, token=ApiToken.objects.get(prefix=revoked[:12]))
    assert post(machine, samples.simple(), token=revoked).status_code == 401
    leaver = _personal(seller, "write")
    seller.is_active = False
    seller.save(update_fields=["is_active"])
    assert post(machine, samples.simple(), token=leaver).status_code == 401
    assert Message.objects.count() == 0
