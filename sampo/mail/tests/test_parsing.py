"""Reading real-world messages: encodings, multipart bodies, attachments, hostile HTML."""

from __future__ import annotations

import datetime

from sampo.mail.parsing import dedup_key, parse
from sampo.mail.tests import samples


def test_it_decodes_iso_8859_1_headers_and_body_with_finnish_letters():
    parsed = parse(samples.ISO_8859_1)

    assert parsed.subject == "Päätös hankinnasta äöå"
    assert parsed.sender is not None
    assert parsed.sender.name == "Järvinen, Päivi"
    assert parsed.sender.address == "paivi.jarvinen@saha.example"
    assert parsed.text == "Hyvä myyjä, päätimme ostaa sähkötyökalut."
    assert parsed.message_id == "iso-1@saha.example"


def test_it_reads_utf8_encoded_words_and_prefers_each_part_of_an_alternative():
    parsed = parse(samples.HUNGARIAN_ALTERNATIVE)

    assert parsed.subject == "Árajánlat - űrlap"
    assert parsed.sender is not None
    assert parsed.sender.name == "Kovács Árpád"
    assert [(a.name, a.address) for a in parsed.cc] == [("Szőke Éva", "eva.szoke@gyar.example")]
    assert parsed.text.startswith("Tisztelt Uram, küldöm az árajánlatot.")
    assert "<b>küldöm</b>" in parsed.html
    assert "<style>" not in parsed.html
    assert "color:red" not in parsed.html
    assert parsed.date == datetime.datetime(2026, 3, 4, 7, 30, tzinfo=datetime.UTC)


def test_it_strips_scripts_event_handlers_frames_and_javascript_links_from_html():
    parsed = parse(samples.SCRIPTED_HTML)

    html = parsed.html
    assert "Pay now" in html
    for hostile in ("<script", "alert(", "onclick", "onerror", "javascript:", "<iframe"):
        assert hostile not in html, hostile
    assert 'href="https://ok.example/"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    # Without a plain part, the text is the HTML's words, without the script.
    assert "Pay now" in parsed.text
    assert "document.cookie" not in parsed.text


def test_it_keeps_attachments_with_their_names_and_types():
    parsed = parse(
        samples.with_attachments(
            files=[
                ("piirustus ä.pdf", "application/pdf", b"%PDF-1.4 data"),
                ("a.txt", "text/plain", b"hello"),
            ]
        )
    )

    assert [(a.filename, a.content_type, a.content) for a in parsed.attachments] == [
        ("piirustus ä.pdf", "application/pdf", b"%PDF-1.4 data"),
        ("a.txt", "text/plain", b"hello"),
    ]
    assert parsed.text == "Liitteenä piirustukset."


def test_it_reads_threading_headers_without_angle_brackets():
    parsed = parse(
        samples.simple(
            message_id="<c@x.example>",
            in_reply_to="<b@x.example>",
            references="<a@x.example> <b@x.example>",
        )
    )

    assert parsed.in_reply_to == "b@x.example"
    assert parsed.references == ["a@x.example", "b@x.example"]
    assert parsed.ancestors == ["b@x.example", "a@x.example"]


def test_a_message_without_message_id_is_keyed_by_its_bytes():
    first = samples.simple(message_id=None, body="one")
    second = samples.simple(message_id=None, body="two")

    assert parse(first).message_id == ""
    assert parse(first).dedup_key == parse(first).dedup_key
    assert parse(first).dedup_key != parse(second).dedup_key
    assert parse(samples.simple()).dedup_key == dedup_key(
        message_id="offer-1@virtanen.example", raw=b"anything"
    )


def test_a_date_in_the_future_is_read_as_now():
    parsed = parse(samples.simple(date="Fri, 01 Jan 2100 00:00:00 +0000"))

    assert parsed.date.year < 2100
