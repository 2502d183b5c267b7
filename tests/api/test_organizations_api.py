from __future__ import annotations

import pytest

from sampo.contacts import services
from sampo.contacts.models import Organization, Tag

pytestmark = pytest.mark.django_db


def _organization(owner, name="Kallio Oy", **values):
    return services.organization_create(actor=owner, values={"name": name, **values})


def test_it_creates_reads_and_lists_an_organization(admin, api_as):
    api = api_as(admin)
    Tag.objects.create(name="VIP")

    created = api.post(
        "/organizations",
        {
            "name": "Rakennus Kallio Oy",
            "business_id": "0112038-9",
            "phone": "09 123 4567",
            "tags": ["VIP"],
            "contact_details": [{"kind": "email", "value": "Info@Kallio.fi"}],
        },
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["phone"] == "+35891234567"
    assert body["tags"] == ["VIP"]
    assert body["contact_details"] == [
        {"kind": "email", "value": "info@kallio.fi", "label": "other"}
    ]
    assert created["ETag"] == '"1"'
    read = api.get(f"/organizations/{body['id']}")
    assert read.json()["name"] == "Rakennus Kallio Oy"
    listed = api.get("/organizations", {"search": "kallio"}).json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]


def test_it_refuses_a_stale_if_match_with_412_and_the_current_version(admin, api_as):
    organization = _organization(admin)
    api = api_as(admin)
    assert (
        api.patch(
            f"/organizations/{organization.pk}", {"city": "Espoo"}, **{"If-Match": '"1"'}
        ).status_code
        == 200
    )

    stale = api.patch(
        f"/organizations/{organization.pk}", {"city": "Vantaa"}, **{"If-Match": '"1"'}
    )

    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert stale.json()["current_version"] == 2
    organization.refresh_from_db()
    assert organization.city == "Espoo"


def test_it_answers_bad_input_with_a_problem_and_saves_nothing(admin, api_as):
    api = api_as(admin)

    response = api.post("/organizations", {"name": "X Oy", "business_id": "123", "tags": ["nope"]})

    assert response.status_code == 422
    problem = response.json()
    assert problem["status"] == 422
    assert problem["errors"]
    assert not Organization.objects.exists()


def test_it_pages_with_a_cursor_without_repeating_or_missing_rows(admin, api_as):
    for number in range(7):
        _organization(admin, name=f"Yritys {number} Oy", city=f"City {number % 2}")
    api = api_as(admin)

    seen, cursor = [], None
    while True:
        page = api.get(
            "/organizations",
            {"limit": 3, "sort": "city,-name", **({"cursor": cursor} if cursor else {})},
        ).json()
        seen += [item["name"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break

    expected = sorted((f"Yritys {n} Oy" for n in range(7)), key=lambda name: name, reverse=True)
    expected = sorted(expected, key=lambda name: int(name.split()[1]) % 2)
    assert seen == expected


def test_it_refuses_a_tampered_cursor_and_an_unknown_sort(admin, api_as):
    api = api_as(admin)

    assert api.get("/organizations", {"cursor": "abc"}).status_code == 400
    response = api.get("/organizations", {"sort": "name;drop table"})
    assert response.status_code == 400
    assert "name" in response.json()["detail"]


def test_a_read_token_cannot_write(admin, api_as):
    response = api_as(admin, scope="read").post("/organizations", {"name": "Kallio Oy"})

    assert response.status_code == 403
    assert not Organization.objects.exists()


def test_it_needs_a_valid_token(client):
    response = client.get("/api/v1/organizations", headers={"Authorization": "Bearer sampo_nope"})

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_bulk_upsert_is_idempotent(admin, api_as):
    api = api_as(admin)
    batch = {
        "source": "erp",
        "items": [
            {"external_id": "A-1", "name": "Alfa Oy", "phone": "040 123 4567", "city": "Oulu"},
            {
                "external_id": "A-2",
                "name": "Beta Kft",
                "country": "HU",
                "business_id": "13895459-2-41",
            },
            {"external_id": "A-3", "name": ""},
        ],
    }

    first = api.post("/organizations/bulk", batch).json()["results"]
    second = api.post("/organizations/bulk", batch).json()["results"]

    assert [r["status"] for r in first] == ["created", "created", "error"]
    assert [r["status"] for r in second] == ["unchanged", "unchanged", "error"]
    assert Organization.objects.count() == 2
    assert all(o.version == 1 for o in Organization.objects.all())


def test_bulk_creates_an_item_whose_name_alone_resembles_an_existing_one(admin, api_as):
    _organization(admin, name="Rakennus Kallio Oy")
    batch = {"source": "erp", "items": [{"external_id": "K-1", "name": "Rakennus Kallio Oy"}]}

    results = api_as(admin).post("/organizations/bulk", batch).json()["results"]

    assert [r["status"] for r in results] == ["created"]
    assert Organization.objects.count() == 2
