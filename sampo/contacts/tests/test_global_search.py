from __future__ import annotations

import pytest

from sampo.contacts import services


@pytest.fixture
def register(seller):
    organization = services.organization_create(
        actor=seller,
        values={"name": "Pörssi Rakennus Oy", "business_id": "0112038-9", "city": "Turku"},
    )
    services.person_create(
        actor=seller,
        values={
            "first_name": "Ágnes",
            "last_name": "Szűcs",
            "mobile": "+36 30 123 4567",
            "country": "HU",
        },
        organization=organization,
    )
    return organization


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("porssi", "Pörssi Rakennus Oy"),
        ("FI01120389", "Pörssi Rakennus Oy"),
        ("szucs", "Szűcs Ágnes"),
        ("06 30 123 4567", "Szűcs Ágnes"),
        ("+36301234567", "Szűcs Ágnes"),
    ],
)
def test_the_header_search_finds_records_as_you_type(client, seller, register, query, expected):
    client.force_login(seller)

    response = client.get("/search/", {"q": query}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert expected in response.content.decode()
    assert "<html" not in response.content.decode()  # a fragment for the dropdown


def test_the_search_page_groups_results_by_type(client, seller, register):
    services.organization_create(
        actor=seller, values={"name": "Szűcs és Társa Kft.", "country": "HU"}
    )
    client.force_login(seller)

    response = client.get("/search/", {"q": "Szűcs"})

    groups = response.context["groups"]
    assert [g["key"] for g in groups] == ["organizations", "people"]
    assert groups[0]["hits"][0].title == "Szűcs és Társa Kft."
    assert groups[1]["hits"][0].subtitle == "Pörssi Rakennus Oy"


def test_a_one_letter_query_searches_nothing(client, seller, register):
    client.force_login(seller)

    assert client.get("/search/", {"q": "p"}).context["groups"] == []


def test_search_results_are_escaped(client, seller):
    services.organization_create(actor=seller, values={"name": "<img src=x onerror=alert(1)> Oy"})
    client.force_login(seller)

    body = client.get("/search/", {"q": "onerror"}, HTTP_HX_REQUEST="true").content.decode()

    assert "<img src=x" not in body
    assert "&lt;img" in body
