from __future__ import annotations

import pytest

from sampo.contacts import services
from sampo.contacts.models import Membership, Person


def test_it_creates_a_person_in_an_organization(organization, seller):
    person = services.person_create(
        actor=seller,
        values={
            "first_name": "Maija",
            "last_name": "Lehtonen",
            "mobile": "040 765 4321",
            "email": "Maija@X.fi",
        },
        organization=organization,
        role="Hankintapäällikkö",
    )

    assert person.mobile == "+358407654321"
    assert person.email == "maija@x.fi"
    membership = Membership.objects.get(person=person)
    assert (membership.organization, membership.role, membership.is_primary) == (
        organization,
        "Hankintapäällikkö",
        True,
    )


def test_a_consumer_needs_no_organization(seller):
    person = services.person_create(actor=seller, values={"last_name": "Kuluttaja"})

    assert not person.memberships.exists()


def test_the_duplicate_guard_finds_a_person_by_phone_in_another_format(seller, teammate):
    existing = services.person_create(
        actor=seller,
        values={"first_name": "Eszter", "last_name": "Nagy", "mobile": "+36 30 123 4567"},
    )

    with pytest.raises(services.DuplicateError) as error:
        services.person_create(
            actor=teammate,
            values={
                "first_name": "E.",
                "last_name": "N.",
                "phone": "06 30 123 4567",
                "country": "HU",
            },
        )

    assert error.value.matches[0].record == existing
    assert Person.objects.count() == 1


def test_hungarian_names_are_shown_family_name_first(seller):
    person = services.person_create(
        actor=seller, values={"first_name": "Eszter", "last_name": "Nagy", "country": "HU"}
    )

    assert person.full_name == "Nagy Eszter"
