from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sampo.contacts import services
from sampo.contacts.models import Membership
from sampo.core.models import HistoryEntry


@pytest.fixture
def person(seller):
    return services.person_create(
        actor=seller, values={"first_name": "Maija", "last_name": "Lehtonen"}
    )


def test_a_person_who_changes_jobs_keeps_the_old_one_in_their_history(
    client, seller, person, organization
):
    new_employer = services.organization_create(actor=seller, values={"name": "Uusi Oy"})
    old = services.membership_add(
        actor=seller, person=person, organization=organization, role="Ostaja", is_primary=True
    )
    client.force_login(seller)

    client.post(f"/people/{person.pk}/memberships/{old.pk}/end/", {"end_date": "2026-10-31"})
    client.post(
        f"/people/{person.pk}/memberships/new/",
        {"organization": new_employer.pk, "role": "Hankintapäällikkö", "is_primary": "on"},
    )

    memberships = list(Membership.objects.filter(person=person).order_by("id"))
    assert [(m.organization.name, m.end_date, m.is_primary) for m in memberships] == [
        ("Rakennus Virtanen Oy", datetime.date(2026, 10, 31), False),
        ("Uusi Oy", None, True),
    ]
    events = list(
        HistoryEntry.objects.filter(object_id=str(person.pk), action="event")
        .order_by("id")
        .values_list("event", flat=True)
    )
    assert events == ["joined_organization", "left_organization", "joined_organization"]
    page = client.get(f"/people/{person.pk}/").content.decode()
    assert "Rakennus Virtanen Oy (Ostaja)" in page  # the history row of the old job


def test_the_organization_picker_offers_matching_organizations(client, seller, organization):
    client.force_login(seller)

    body = client.get("/organizations/pick/", {"organization_query": "virtanen"}).content.decode()

    assert f'value="{organization.pk}"' in body


def test_a_membership_cannot_end_before_it_started(seller, person, organization):
    membership = services.membership_add(
        actor=seller, person=person, organization=organization, start_date=datetime.date(2026, 5, 1)
    )

    with pytest.raises(ValidationError):
        services.membership_end(
            actor=seller, membership=membership, end_date=datetime.date(2026, 4, 1)
        )

    membership.refresh_from_db()
    assert membership.end_date is None


def test_a_colleague_cannot_change_someone_elses_contact(teammate, person, organization):
    with pytest.raises(PermissionDenied):
        services.membership_add(actor=teammate, person=person, organization=organization)

    assert not Membership.objects.exists()


def test_the_form_asks_for_an_organization(client, seller, person):
    client.force_login(seller)

    response = client.post(f"/people/{person.pk}/memberships/new/", {"role": "Ostaja"})

    assert response.status_code == 200
    assert 'id="id_organization_error"' in response.content.decode()
    assert not Membership.objects.exists()
