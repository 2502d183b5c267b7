from __future__ import annotations

from datetime import UTC, datetime

import vobject

from sampo.lib.vcard import person_vcard


def _card(**fields):
    return vobject.readOne(person_vcard(**fields))


def test_a_full_card_parses_back_with_every_field():
    card = _card(
        family_name="Nagy",
        given_name="Eszter",
        full_name="Nagy Eszter",
        organization="Duna Kft",
        title="ügyvezető",
        email="eszter@duna.example",
        mobile="+36301234567",
        phone="+3612345678",
        street="Fő utca 1.",
        postal_code="1011",
        city="Budapest",
        country="Magyarország",
        language="hu",
        note="Prefers calls; mornings, please.\nSecond line",
        revised=datetime(2026, 11, 23, 10, 5, 0, tzinfo=UTC),
    )

    assert card.version.value == "4.0"
    assert (card.n.value.family, card.n.value.given) == ("Nagy", "Eszter")
    assert card.fn.value == "Nagy Eszter"
    assert card.org.value == ["Duna Kft"]
    assert card.title.value == "ügyvezető"
    assert card.email.value == "eszter@duna.example"
    phones = {tel.params["TYPE"][0]: tel.value for tel in card.contents["tel"]}
    assert phones == {"cell": "tel:+36301234567", "work": "tel:+3612345678"}
    assert card.contents["tel"][0].params["VALUE"] == ["uri"]
    address = card.adr.value
    assert (address.street, address.code, address.city, address.country) == (
        "Fő utca 1.",
        "1011",
        "Budapest",
        "Magyarország",
    )
    assert card.lang.value == "hu"
    assert card.note.value == "Prefers calls; mornings, please.\nSecond line"
    assert card.rev.value == "20261123T100500Z"


def test_a_card_with_only_a_name_has_no_empty_properties():
    text = person_vcard(family_name="Virtanen", country="Suomi")

    assert text == "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Virtanen\r\nN:Virtanen;;;;\r\nEND:VCARD\r\n"


def test_separators_and_markup_in_a_name_stay_plain_text():
    name = "<script>alert(1)</script>; Oy, \\ Ab"

    card = _card(family_name=name, given_name="Kalle", organization=name)

    assert card.n.value.family == name
    assert card.fn.value == f"Kalle {name}"
    assert card.org.value == [name]
