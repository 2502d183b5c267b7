from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sampo.accounts.models import Role, RoleRight
from sampo.contacts import services
from sampo.contacts.models import Membership, Person, Tag
from tests.api.querycount import queries_of

pytestmark = pytest.mark.django_db


def _person(owner, last_name="Virtanen", **values):
    return services.person_create(
        actor=owner, values={"first_name": "Matti", "last_name": last_name, **values}
    )


def test_it_creates_a_person_with_a_membership_reads_and_lists_them(admin, api_as):
    api = api_as(admin)
    company = services.organization_create(actor=admin, values={"name": "Kallio Oy"})
    Tag.objects.create(name="VIP")

    created = api.post(
        "/people",
        {
            "first_name": "Maija",
            "last_name": "Lehtonen",
            "email": "Maija@Kallio.fi",
            "phone": "040 123 4567",
            "tags": ["VIP"],
            "organization_id": company.pk,
            "role": "CEO",
        },
    )

    assert created.status_code == 201, created.content
    body = created.json()
    assert body["email"] == "maija@kallio.fi"
    assert body["phone"] == "+358401234567"
    assert body["memberships"] == [
        {
            "id": body["memberships"][0]["id"],
            "organization_id": company.pk,
            "role": "CEO",
            "is_primary": True,
        }
    ]
    assert created["Location"].endswith(f"/people/{body['id']}")
    assert api.get(f"/people/{body['id']}")["ETag"] == '"1"'
    listed = api.get("/people", {"organization_id": company.pk, "tag": "VIP"}).json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert api.get("/people", {"city": "Oulu"}).json()["items"] == []


def test_it_answers_a_likely_duplicate_with_409_unless_allowed(admin, api_as):
    existing = _person(admin, email="matti@example.fi")
    api = api_as(admin)

    refused = api.post("/people", {"last_name": "Toinen", "email": "MATTI@example.fi"})
    allowed = api.post(
        "/people", {"last_name": "Toinen", "email": "matti@example.fi", "allow_duplicate": True}
    )

    assert refused.status_code == 409
    assert [(d["id"], d["reason"]) for d in refused.json()["matches"]] == [(existing.pk, "email")]
    assert allowed.status_code == 201
    assert Person.objects.count() == 2


def test_it_refuses_bad_input_with_field_errors_and_saves_nothing(admin, api_as):
    api = api_as(admin)

    response = api.post(
        "/people",
        {"last_name": "Virtanen", "phone": "abc", "tags": ["nope"], "owner_id": 999999},
    )
    not_typed = api.post("/people", {"last_name": ["x"]})
    no_org = api.post("/people", {"last_name": "Virtanen", "organization_id": 999999})

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= {"tags"}
    assert not_typed.status_code == 422
    assert no_org.status_code == 422
    assert no_org.json()["errors"][0]["field"] == "organization_id"
    assert not Person.objects.exists()


def test_it_refuses_a_stale_if_match_with_412(admin, api_as):
    person = _person(admin)
    api = api_as(admin)

    first = api.patch(f"/people/{person.pk}", {"city": "Espoo"}, **{"If-Match": '"1"'})
    stale = api.patch(f"/people/{person.pk}", {"city": "Vantaa"}, **{"If-Match": '"1"'})
    stale_delete = api.delete(f"/people/{person.pk}", **{"If-Match": '"1"'})

    assert first.status_code == 200
    assert first["ETag"] == '"2"'
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    assert stale_delete.status_code == 412
    person.refresh_from_db()
    assert person.city == "Espoo"
    assert person.deleted_at is None


def test_it_moves_a_person_to_the_trash_and_sync_still_sees_them(admin, api_as):
    person = _person(admin)
    api = api_as(admin)
    since = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()

    assert api.delete(f"/people/{person.pk}").status_code == 204

    assert api.get(f"/people/{person.pk}").status_code == 404
    assert api.get("/people").json()["items"] == []
    synced = api.get("/people", {"updated_since": since}).json()
    assert [item["id"] for item in synced["items"]] == [person.pk]
    assert synced["items"][0]["deleted_at"] is not None
    assert synced["sync_from"] is not None


def test_a_salesperson_narrowed_to_own_people_gets_404_for_others(seller, teammate, api_as):
    RoleRight.objects.create(
        role=Role.objects.get(code=Role.SALESPERSON),
        record_type="contacts.person",
        action="read",
        scope="own",
    )
    mine = _person(seller, last_name="Oma")
    theirs = _person(teammate, last_name="Toisen")
    api = api_as(seller)

    assert api.get(f"/people/{theirs.pk}").status_code == 404
    assert api.patch(f"/people/{theirs.pk}", {"city": "Oulu"}).status_code == 404
    assert api.delete(f"/people/{theirs.pk}").status_code == 404
    assert api.get(f"/people/{theirs.pk}/memberships").status_code == 404
    assert [i["id"] for i in api.get("/people").json()["items"]] == [mine.pk]


def test_a_409_names_no_duplicate_the_caller_may_not_see(seller, teammate, api_as):
    RoleRight.objects.create(
        role=Role.objects.get(code=Role.SALESPERSON),
        record_type="contacts.person",
        action="read",
        scope="own",
    )
    _person(teammate, last_name="Salainen", email="secret@example.fi")

    refused = api_as(seller).post("/people", {"last_name": "Uusi", "email": "secret@example.fi"})

    assert refused.status_code == 409
    assert refused.json()["matches"] == []
    assert "Salainen" not in refused.content.decode()


def test_a_salesperson_cannot_change_a_teammates_person(seller, teammate, api_as):
    theirs = _person(teammate)

    response = api_as(seller).patch(f"/people/{theirs.pk}", {"city": "Oulu"})

    assert response.status_code == 403
    theirs.refresh_from_db()
    assert theirs.city == ""


def test_a_read_token_cannot_write(admin, api_as):
    person = _person(admin)
    api = api_as(admin, scope="read")

    assert api.post("/people", {"last_name": "Uusi"}).status_code == 403
    assert api.patch(f"/people/{person.pk}", {"city": "Oulu"}).status_code == 403
    assert api.delete(f"/people/{person.pk}").status_code == 403
    assert Person.objects.count() == 1


def test_it_pages_with_a_cursor_without_repeating_or_missing_rows(admin, api_as):
    for number in range(7):
        _person(admin, last_name=f"Henkilö {number}", city=f"City {number % 3}")
    api = api_as(admin)

    for sort in ("name", "-updated_at", "created_at", "-id"):
        seen, cursor = [], None
        while True:
            params = {"limit": 3, "sort": sort, **({"cursor": cursor} if cursor else {})}
            page = api.get("/people", params).json()
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == sorted(Person.objects.values_list("pk", flat=True)), sort
        assert len(seen) == 7

    assert api.get("/people", {"sort": "email"}).status_code == 400
    assert api.get("/people", {"tag": "nope"}).status_code == 400


def test_the_list_makes_as_many_queries_for_50_people_as_for_1(admin, api_as):
    company = services.organization_create(actor=admin, values={"name": "Kallio Oy"})
    tag = Tag.objects.create(name="VIP")
    api = api_as(admin)

    def add(number):
        person = services.person_create(
            actor=admin,
            values={"last_name": f"Henkilö {number}", "tags": [tag]},
            organization=company,
            allow_duplicate=True,
        )
        services.person_update(
            actor=admin,
            person=person,
            values={services.DETAILS: [{"kind": "email", "value": f"p{number}@x.fi"}]},
            expected_version=None,
        )

    add(0)
    one = queries_of(api, "/people")
    for number in range(1, 50):
        add(number)
    many = queries_of(api, "/people")

    assert one == many
    assert len(api.get("/people").json()["items"]) == 50


def test_bulk_upsert_matches_by_external_id_or_email_and_is_idempotent(admin, api_as):
    existing = _person(admin, last_name="Olemassa", email="known@example.fi")
    api = api_as(admin)
    batch = {
        "source": "shop",
        "items": [
            {
                "external_id": "C-1",
                "first_name": "Aino",
                "last_name": "Uusi",
                "phone": "0401234567",
            },
            {"last_name": "Olemassa", "email": "KNOWN@example.fi", "city": "Turku"},
            {"external_id": "C-3", "first_name": "Ei sukunimeä"},
        ],
    }

    first = api.post("/people/bulk", batch).json()["results"]
    versions = dict(Person.objects.values_list("pk", "version"))
    second = api.post("/people/bulk", batch).json()["results"]

    assert [r["status"] for r in first] == ["created", "updated", "error"]
    assert first[1]["id"] == existing.pk
    assert first[2]["errors"][0]["field"] == "last_name"
    assert [r["status"] for r in second] == ["unchanged", "unchanged", "error"]
    assert dict(Person.objects.values_list("pk", "version")) == versions
    assert Person.objects.count() == 2


def test_the_people_filter_of_the_selector_keeps_only_current_members(admin):
    from sampo.contacts import selectors

    company = services.organization_create(actor=admin, values={"name": "Kallio Oy"})
    current = services.person_create(
        actor=admin, values={"last_name": "Nykyinen"}, organization=company
    )
    former = services.person_create(
        actor=admin, values={"last_name": "Entinen"}, organization=company
    )
    services.membership_end(
        actor=admin,
        membership=Membership.objects.get(person=former),
        end_date=datetime.date(2025, 1, 1),
    )

    rows = selectors.person_rows(user=admin, organization=company.pk)

    assert list(rows) == [current]
