from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sampo.contacts import services
from sampo.contacts.models import Organization


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_organization_list_needs_the_same_queries_for_one_row_and_fifty(client, seller):
    services.organization_create(actor=seller, values={"name": "First Oy"})
    client.force_login(seller)
    one = _queries(client, "/organizations/")
    for n in range(50):
        services.organization_create(
            actor=seller, values={"name": f"Company {n} Oy", "relationship_types": [], "tags": []}
        )

    assert _queries(client, "/organizations/") == one


def test_the_person_list_needs_the_same_queries_for_one_row_and_fifty(client, seller, organization):
    services.person_create(actor=seller, values={"last_name": "First"}, organization=organization)
    client.force_login(seller)
    one = _queries(client, "/people/")
    for n in range(50):
        services.person_create(
            actor=seller, values={"last_name": f"Person {n}"}, organization=organization
        )

    assert _queries(client, "/people/") == one


@pytest.mark.parametrize(
    "query",
    ["virtanen", "VIRTANEN", "0112038-9", "FI01120389", "03 1234 5678", "info@virtanen.example"],
)
def test_the_list_finds_an_organization_by_name_id_phone_or_email(
    client, seller, organization, query
):
    client.force_login(seller)

    page = client.get("/organizations/", {"q": query}).context["page"]

    assert [o.pk for o in page.rows] == [organization.pk]


def test_the_list_finds_accented_names_without_accents(client, seller):
    services.organization_create(actor=seller, values={"name": "Pörssi Rakennus Oy"})
    client.force_login(seller)

    page = client.get("/organizations/", {"q": "porssi"}).context["page"]

    assert [o.name for o in page.rows] == ["Pörssi Rakennus Oy"]


def test_the_list_pages_without_counting_the_table(client, seller):
    for n in range(51):
        services.organization_create(actor=seller, values={"name": f"Company {n:02d} Oy"})
    client.force_login(seller)

    first = client.get("/organizations/").context["page"]
    second = client.get("/organizations/", {"page": 2}).context["page"]

    assert (len(first.rows), first.has_next) == (50, True)
    assert (len(second.rows), second.has_next) == (1, False)


def test_the_new_organization_form_warns_about_a_duplicate_before_saving(
    client, teammate, organization
):
    client.force_login(teammate)
    form = {
        "name": "Rakennus Virtanen Oy",
        "city": "Tampere",
        "country": "FI",
        "owner": teammate.pk,
    }

    warned = client.post("/organizations/new/", form)
    saved = client.post("/organizations/new/", {**form, "confirm_duplicate": "on"})

    assert warned.status_code == 200
    assert "already exists, owned by Mikko Myyjä" in warned.content.decode()
    assert saved.status_code == 302
    assert Organization.objects.count() == 2


def test_the_form_shows_an_invalid_business_id_next_to_the_field(client, seller):
    client.force_login(seller)

    response = client.post(
        "/organizations/new/",
        {"name": "X Oy", "business_id": "123", "country": "FI", "owner": seller.pk},
    )

    assert response.status_code == 200
    assert 'id="id_business_id_error"' in response.content.decode()
    assert not Organization.objects.exists()


def test_the_organization_page_shows_people_and_history(client, seller, organization):
    services.person_create(
        actor=seller,
        values={"first_name": "Maija", "last_name": "Lehtonen"},
        organization=organization,
    )
    client.force_login(seller)

    body = client.get(f"/organizations/{organization.pk}/").content.decode()

    assert "Maija Lehtonen" in body
    assert "03 12345678" in body or "03 1234 5678" in body
    assert "history-entry" in body  # its creation, on the timeline


def test_a_colleague_sees_but_cannot_edit_or_delete(client, teammate, organization):
    client.force_login(teammate)

    assert client.get(f"/organizations/{organization.pk}/").status_code == 200
    assert client.get(f"/organizations/{organization.pk}/edit/").status_code == 403
    assert client.post(f"/organizations/{organization.pk}/delete/").status_code == 403
    assert Organization.objects.filter(pk=organization.pk).exists()


def test_a_trashed_organization_is_not_found(client, seller, organization):
    services.organization_trash(actor=seller, organization=organization)
    client.force_login(seller)

    assert client.get(f"/organizations/{organization.pk}/").status_code == 404


def test_the_list_filters_by_owner_city_and_relationship(client, seller, teammate):
    from sampo.contacts.models import RelationshipType

    customer = RelationshipType.objects.get(code="customer")
    services.organization_create(
        actor=seller, values={"name": "A Oy", "city": "Turku", "relationship_types": [customer]}
    )
    services.organization_create(actor=seller, values={"name": "B Oy", "city": "Oulu"})
    services.organization_create(actor=teammate, values={"name": "C Oy", "city": "Turku"})
    client.force_login(seller)

    def names(**params: object) -> list[str]:
        return [o.name for o in client.get("/organizations/", params).context["page"].rows]

    assert names(city="turku") == ["A Oy", "C Oy"]
    assert names(owner=seller.pk) == ["A Oy", "B Oy"]
    assert names(relationship=customer.pk) == ["A Oy"]
    assert names(sort="-name") == ["C Oy", "B Oy", "A Oy"]
