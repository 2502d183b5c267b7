"""The header search: tolerant of missing accents and of typos, ranked exact > prefix >
contains > similar, and finding records by any of their emails and phones."""

from __future__ import annotations

import pytest
from django.db import connection

from sampo.contacts import services
from sampo.contacts.selectors import organization_search_hits, person_search_hits
from sampo.core import search
from sampo.core.search import search_all


def _person(actor, first, last, **values):
    return services.person_create(
        actor=actor,
        values={"first_name": first, "last_name": last, **values},
        allow_duplicate=True,
    )


def _titles(hits):
    return [hit.title for hit in hits]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Virtnen", "Matti Virtanen"),  # a letter missing
        ("virtasen", "Matti Virtanen"),  # inflected (Finnish genitive)
        ("szucs", "Szűcs Ágnes"),  # no accents
        ("szücs agnes", "Szűcs Ágnes"),
        ("Szücz", "Szűcs Ágnes"),  # misspelt
        ("Birtanen", "Matti Virtanen"),  # a typo in the first letters, on both databases
        ("virtamen", "Matti Virtanen"),
    ],
)
def test_it_finds_people_despite_typos_and_missing_accents(seller, query, expected):
    _person(seller, "Matti", "Virtanen")
    _person(seller, "Ágnes", "Szűcs", country="HU")
    _person(seller, "Liisa", "Korhonen")

    assert _titles(person_search_hits(seller, query, 5))[:1] == [expected]


def test_it_finds_organizations_by_a_typo_in_an_accentless_name(seller):
    services.organization_create(actor=seller, values={"name": "Pörssi Rakennus Oy"})
    services.organization_create(actor=seller, values={"name": "Kone Oyj"})

    assert _titles(organization_search_hits(seller, "porsi rakenus", 5)) == ["Pörssi Rakennus Oy"]


def test_it_ranks_exact_then_prefix_then_contains_then_typos(seller):
    for name in ["Savirtaus Oy", "Koneistus Virta Oy", "Virta", "Virto Oy", "Virta Oyj"]:
        services.organization_create(actor=seller, values={"name": name})

    hits = organization_search_hits(seller, "virta", 10)

    assert _titles(hits) == ["Virta", "Virta Oyj", "Koneistus Virta Oy", "Savirtaus Oy", "Virto Oy"]
    assert [hit.title for hit in organization_search_hits(seller, "virta", 2)] == [
        "Virta",
        "Virta Oyj",
    ]


def test_a_word_start_ranks_before_a_match_inside_a_word(seller):
    _person(seller, "Anna", "Virtalahti")
    _person(seller, "Kaarina", "Lehto")

    assert _titles(person_search_hits(seller, "lahti", 5)) == ["Anna Virtalahti"]
    assert _titles(person_search_hits(seller, "lehto", 5)) == ["Kaarina Lehto"]
    assert _titles(person_search_hits(seller, "ina", 5)) == ["Kaarina Lehto"]


def test_unrelated_names_are_not_offered_as_typos(seller):
    _person(seller, "Matti", "Virtanen")

    assert person_search_hits(seller, "Korhonen", 5) == []


def test_it_finds_people_by_a_further_email_and_a_further_phone_in_any_format(seller):
    _person(
        seller,
        "Eszter",
        "Nagy",
        country="HU",
        email="eszter@ceg.example",
        contact_details=[
            {"kind": "email", "label": "home", "value": "Eszter.Nagy@Otthon.example"},
            {"kind": "phone", "label": "home", "value": "06 1 234 5678"},
        ],
    )

    assert _titles(person_search_hits(seller, "eszter.nagy@otthon.example", 5)) == ["Nagy Eszter"]
    assert _titles(person_search_hits(seller, "+36 1 234 5678", 5)) == ["Nagy Eszter"]
    assert _titles(person_search_hits(seller, "0036-1-2345678", 5)) == ["Nagy Eszter"]


def test_it_finds_organizations_by_a_further_email_and_business_id(seller):
    services.organization_create(
        actor=seller,
        values={
            "name": "Rakennus Virtanen Oy",
            "business_id": "0112038-9",
            "contact_details": [{"kind": "email", "label": "billing", "value": "lasku@rv.example"}],
        },
    )

    assert _titles(organization_search_hits(seller, "lasku@rv.example", 5)) == [
        "Rakennus Virtanen Oy"
    ]
    assert _titles(organization_search_hits(seller, "FI01120389", 5)) == ["Rakennus Virtanen Oy"]


def test_the_typo_pass_leaves_out_records_in_the_trash(seller):
    person = _person(seller, "Matti", "Virtanen")
    services.person_trash(actor=seller, person=person)

    assert person_search_hits(seller, "Virtnen", 5) == []


def test_the_search_asks_a_fixed_number_of_queries(seller, django_assert_max_num_queries):
    for number in range(30):
        _person(seller, f"Matti{'i' * number}", "Virtanen")
    search_all(user=seller, query="Virtnen", limit=5)  # warm caches (content types, settings)

    with django_assert_max_num_queries(12):
        groups = search_all(user=seller, query="Virtnen", limit=5)

    assert len(groups[0]["hits"]) == 5


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite typo pass")
def test_on_sqlite_the_typo_pass_scores_a_bounded_set_of_candidates(seller, monkeypatch):
    monkeypatch.setattr(search, "FUZZY_CANDIDATES", 3)
    for number in range(5):
        _person(seller, "Ville", f"Viljanen{number}")  # share the first letters, not the name
    _person(seller, "Matti", "Virtanen")

    # Only three candidates are scored, so the Virtanen may be left out; what comes back is
    # never more than was scored, and never an unrelated name.
    hits = person_search_hits(seller, "Virtnen", 5)

    assert len(hits) <= 3
    assert all(hit.title.startswith(("Matti Virtanen", "Ville Viljanen")) for hit in hits)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm exists on PostgreSQL only")
def test_on_postgresql_names_have_a_trigram_index_and_forgive_a_typo_in_the_first_letters(
    seller,
):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm_idx'")
        indexes = {row[0] for row in cursor.fetchall()}
    _person(seller, "Matti", "Virtanen")

    assert {"org_name_trgm_idx", "person_name_trgm_idx", "opp_title_trgm_idx"} <= indexes
    assert _titles(person_search_hits(seller, "Birtanen", 5)) == ["Matti Virtanen"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm exists on PostgreSQL only")
def test_on_postgresql_the_typo_pass_uses_the_trigram_index(seller):
    from sampo.contacts.models import Person

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM contacts_person WHERE %s <%% name_folded", ["virtnen"]
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")

    assert "person_name_trgm_idx" in plan
    assert Person.objects.count() == 0
