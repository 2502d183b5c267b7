"""The screens: compose from a person's page, the message page, the timeline's link to it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sampo.mail import services
from sampo.mail.models import Message
from sampo.mail.tests import samples


@pytest.fixture
def template(admin):
    return services.email_template_create(
        actor=admin,
        name="Follow-up",
        subject="About our offer",
        body="Hello {{ person.first_name }}",
        variants={
            "fi": ("Tarjouksestamme", "Hei {{ person.first_name }}, terveisin {{ user.name }}")
        },
    )


def test_the_person_page_offers_to_send_an_email(client, seller, customer):
    client.force_login(seller)

    page = client.get(f"/people/{customer.pk}/").content.decode()

    assert f"/people/{customer.pk}/email/" in page


def test_the_viewer_gets_no_send_button_and_no_compose_page(client, viewer, customer):
    client.force_login(viewer)

    assert (
        f"/people/{customer.pk}/email/"
        not in client.get(f"/people/{customer.pk}/").content.decode()
    )
    assert client.get(f"/people/{customer.pk}/email/").status_code == 403


def test_choosing_a_template_fills_subject_and_text_in_the_persons_language(
    client, seller, customer, template
):
    client.force_login(seller)

    page = client.get(f"/people/{customer.pk}/email/?template={template.pk}").content.decode()

    assert 'value="Tarjouksestamme"' in page
    assert "Hei Maija, terveisin Mikko Myyjä" in page


def test_sending_from_the_compose_page_puts_it_on_the_timeline(
    client, seller, customer, django_capture_on_commit_callbacks
):
    client.force_login(seller)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(
            f"/people/{customer.pk}/email/", {"subject": "Tarjous", "body": "Hei Maija"}
        )

    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/mail/messages/{message.pk}/"
    assert len(callbacks) == 1
    person_page = client.get(f"/people/{customer.pk}/").content.decode()
    assert f'href="/mail/activities/{message.activity_id}/"' in person_page
    assert "waiting to be sent" in person_page
    opened = client.get(f"/mail/activities/{message.activity_id}/")
    assert opened.status_code == 302
    assert opened["Location"] == f"/mail/messages/{message.pk}/"


def test_a_reply_from_the_message_page_threads_with_it(
    client, seller, customer, django_capture_on_commit_callbacks
):
    received = services.email_receive(raw_bytes=samples.simple()).message
    client.force_login(seller)

    page = client.get(f"/mail/messages/{received.pk}/").content.decode()
    compose = client.get(f"/people/{customer.pk}/email/?reply_to={received.pk}").content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        client.post(
            f"/people/{customer.pk}/email/",
            {"subject": "Re: Tarjouspyyntö", "body": "Kiitos!", "reply_to": received.pk},
        )

    assert f"?reply_to={received.pk}" in page
    assert 'value="Re: Tarjouspyyntö"' in compose
    reply = Message.objects.get(direction="out")
    assert reply.in_reply_to == "offer-1@virtanen.example"
    assert reply.thread_id == received.thread_id


def test_the_message_page_shows_the_sanitized_html_without_external_images(client, seller, db):
    message = services.email_receive(raw_bytes=samples.SCRIPTED_HTML).message
    client.force_login(seller)  # a salesperson triages unmatched mail

    response = client.get(f"/mail/messages/{message.pk}/")

    page = response.content.decode()
    assert "Pay now" in page
    assert "alert(" not in page
    assert "onclick" not in page
    assert "<iframe" not in page
    assert "tracker.evil.example" not in response["Content-Security-Policy"]
    assert "img-src 'self' data:" in response["Content-Security-Policy"]
    with_images = client.get(f"/mail/messages/{message.pk}/?images=1")
    assert "https:" in with_images["Content-Security-Policy"].split("img-src")[1].split(";")[0]
    assert "script-src 'self'" in with_images["Content-Security-Policy"]


def test_attachments_download_as_files_for_those_who_see_the_message(
    client, seller, viewer, customer
):
    raw = samples.with_attachments(files=[("tarjous.pdf", "application/pdf", b"%PDF-1.4")])
    attachment = services.email_receive(raw_bytes=raw).message.attachments.get()
    client.force_login(viewer)

    response = client.get(f"/mail/attachments/{attachment.pk}/")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content) == b"%PDF-1.4"


def test_a_viewer_reads_timeline_mail_but_not_the_unmatched_inbox(client, viewer, customer):
    matched = services.email_receive(raw_bytes=samples.simple()).message
    unmatched = services.email_receive(raw_bytes=samples.ISO_8859_1).message
    client.force_login(viewer)

    assert client.get(f"/mail/messages/{matched.pk}/").status_code == 200
    assert client.get(f"/mail/messages/{unmatched.pk}/").status_code == 404
    assert client.get("/mail/unmatched/").status_code == 403


def _person_page_queries(client, person) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/people/{person.pk}/").status_code == 200
    return len(queries)


def test_the_timeline_links_emails_without_a_query_per_entry(client, seller, customer):
    client.force_login(seller)
    services.email_receive(raw_bytes=samples.simple(message_id="<m0@virtanen.example>"))
    one = _person_page_queries(client, customer)
    for number in range(1, 30):
        services.email_receive(raw_bytes=samples.simple(message_id=f"<m{number}@virtanen.example>"))

    assert _person_page_queries(client, customer) == one
