"""Memberships, key figures, tags and custom field definitions in the API."""

from __future__ import annotations

import pytest

from sampo.accounts.models import Role, RoleRight
from sampo.contacts import services
from sampo.contacts.models import KeyFigure, Membership, Organization, Person, Tag
from sampo.core.custom_fields.services import custom_field_create
from tests.api.querycount import queries_of

pytestmark = pytest.mark.django_db


def _company(owner, name="Kallio Oy"):
    return services.organization_create(actor=owner, values={"name": name})


def _person(owner, last_name="Virtanen", **kwargs):
    return services.person_create(actor=owner, values={"last_name": last_name}, **kwargs)


# --- Memberships ---------------------------------------------------------------------------


def test_it_adds_changes_and_ends_a_membership(admin, api_as):
    company, person = _company(admin), _person(admin)
    api = api_as(admin)

    added = api.post(
        "/memberships",
        {
            "person_id": person.pk,
            "organization_id": company.pk,
            "role": "CFO",
            "is_primary": True,
            "start_date": "2024-01-01",
        },
    )
    pk = added.json()["id"]
    renamed = api.patch(f"/memberships/{pk}", {"role": "CEO"})
    too_early = api.patch(f"/memberships/{pk}", {"end_date": "2023-01-01"})
    ended = api.patch(f"/memberships/{pk}", {"end_date": "2025-06-30"})

    assert added.status_code == 201, added.content
    assert added.json()["is_primary"] is True
    assert renamed.json()["role"] == "CEO"
    assert too_early.status_code == 422
    assert ended.json()["end_date"] == "2025-06-30"
    assert ended.json()["is_current"] is False
    assert api.get(f"/memberships/{pk}").json()["role"] == "CEO"
    assert [m["id"] for m in api.get(f"/organizations/{company.pk}/memberships").json()] == [pk]
    assert [m["id"] for m in api.get(f"/people/{person.pk}/memberships").json()] == [pk]
    assert api.patch(f"/memberships/{pk}", {"end_date": "2025-07-01"}).status_code == 422


def test_it_refuses_memberships_of_unknown_or_hidden_records(seller, teammate, api_as):
    RoleRight.objects.create(
        role=Role.objects.get(code=Role.SALESPERSON),
        record_type="contacts.person",
        action="read",
        scope="own",
    )
    hidden = _person(teammate, organization=_company(teammate))
    membership = Membership.objects.get(person=hidden)
    mine = _company(seller, name="Oma Oy")
    api = api_as(seller)

    assert (
        api.post("/memberships", {"person_id": hidden.pk, "organization_id": mine.pk}).status_code
        == 404
    )
    assert (
        api.post("/memberships", {"person_id": 999999, "organization_id": mine.pk}).status_code
        == 404
    )
    assert api.get(f"/memberships/{membership.pk}").status_code == 404
    assert api.patch(f"/memberships/{membership.pk}", {"role": "X"}).status_code == 404
    assert api.get(f"/organizations/{membership.organization_id}/memberships").json() == []
    assert Membership.objects.count() == 1


def test_a_salesperson_cannot_add_a_teammates_person_to_an_organization(seller, teammate, api_as):
    theirs, company = _person(teammate), _company(seller)

    response = api_as(seller).post(
        "/memberships", {"person_id": theirs.pk, "organization_id": company.pk}
    )

    assert response.status_code == 403
    assert not Membership.objects.exists()


def test_the_membership_lists_make_as_many_queries_for_50_as_for_1(admin, api_as):
    company = _company(admin)
    api = api_as(admin)
    _person(admin, last_name="P0", organization=company)
    one = queries_of(api, f"/organizations/{company.pk}/memberships")
    for number in range(1, 50):
        _person(admin, last_name=f"P{number}", organization=company)
    many = queries_of(api, f"/organizations/{company.pk}/memberships")

    assert one == many
    assert len(api.get(f"/organizations/{company.pk}/memberships").json()) == 50


def test_the_role_change_is_in_the_persons_history(admin):
    company = _company(admin)
    person = _person(admin, organization=company)
    membership = Membership.objects.get(person=person)

    services.membership_set_role(actor=admin, membership=membership, role=" Hallituksen pj ")

    membership.refresh_from_db()
    assert membership.role == "Hallituksen pj"
    from sampo.core.models import HistoryEntry

    assert HistoryEntry.objects.filter(event="membership_role_changed").count() == 1


# --- Key figures ---------------------------------------------------------------------------


def test_it_puts_reads_lists_and_deletes_key_figures(admin, api_as):
    company = _company(admin)
    api = api_as(admin)

    created = api.put(
        f"/organizations/{company.pk}/key-figures/2024",
        {"revenue": "1250000.00", "operating_profit": "-5000", "employees": 12},
    )
    replaced = api.put(
        f"/organizations/{company.pk}/key-figures/2024",
        {"revenue": "1300000", "employees": 13, "currency": "huf"},
    )
    api.put(f"/organizations/{company.pk}/key-figures/2023", {"employees": 10})

    assert created.status_code == 200, created.content
    assert created.json()["currency"] == "EUR"
    assert replaced.json() == {
        "year": 2024,
        "revenue": "1300000.00",
        "operating_profit": None,
        "employees": 13,
        "currency": "HUF",
    }
    listed = api.get(f"/organizations/{company.pk}/key-figures").json()
    assert [f["year"] for f in listed] == [2024, 2023]
    assert api.get(f"/organizations/{company.pk}/key-figures/2023").json()["employees"] == 10
    assert api.delete(f"/organizations/{company.pk}/key-figures/2023").status_code == 204
    assert api.get(f"/organizations/{company.pk}/key-figures/2023").status_code == 404
    assert api.delete(f"/organizations/{company.pk}/key-figures/2023").status_code == 404
    assert KeyFigure.objects.count() == 1


def test_it_refuses_bad_key_figures(admin, seller, teammate, api_as):
    company = _company(admin)
    api = api_as(admin)

    assert api.put(f"/organizations/{company.pk}/key-figures/1800", {}).status_code == 422
    assert (
        api.put(f"/organizations/{company.pk}/key-figures/2024", {"currency": "euro"}).status_code
        == 422
    )
    assert (
        api.put(f"/organizations/{company.pk}/key-figures/2024", {"employees": -1}).status_code
        == 422
    )
    assert api.put("/organizations/999999/key-figures/2024", {}).status_code == 404
    theirs = _company(teammate, name="Toisen Oy")
    assert api_as(seller).put(f"/organizations/{theirs.pk}/key-figures/2024", {}).status_code == 403
    assert not KeyFigure.objects.exists()


def test_the_key_figure_list_makes_as_many_queries_for_50_years_as_for_1(admin, api_as):
    company = _company(admin)
    api = api_as(admin)
    KeyFigure.objects.create(organization=company, year=1950)
    one = queries_of(api, f"/organizations/{company.pk}/key-figures")
    KeyFigure.objects.bulk_create(KeyFigure(organization=company, year=1951 + n) for n in range(49))
    many = queries_of(api, f"/organizations/{company.pk}/key-figures")

    assert one == many


# --- Tags ----------------------------------------------------------------------------------


def test_an_admin_creates_renames_and_deletes_tags(admin, api_as):
    api = api_as(admin)

    created = api.post("/tags", {"name": "Kumppani"})
    clash = api.post("/tags", {"name": "KUMPPANI"})
    pk = created.json()["id"]
    renamed = api.patch(f"/tags/{pk}", {"name": "Yhteistyökumppani"})

    assert created.status_code == 201
    assert clash.status_code == 422
    assert renamed.json() == {"id": pk, "name": "Yhteistyökumppani"}
    assert api.get(f"/tags/{pk}").json()["name"] == "Yhteistyökumppani"
    assert api.get("/tags").json() == [{"id": pk, "name": "Yhteistyökumppani"}]
    assert api.delete(f"/tags/{pk}").status_code == 204
    assert api.delete(f"/tags/{pk}").status_code == 404
    assert not Tag.objects.exists()


def test_only_admins_change_tags(seller, api_as):
    tag = Tag.objects.create(name="VIP")
    api = api_as(seller)

    assert api.get("/tags").status_code == 200
    assert api.post("/tags", {"name": "Uusi"}).status_code == 403
    assert api.patch(f"/tags/{tag.pk}", {"name": "X"}).status_code == 403
    assert api.delete(f"/tags/{tag.pk}").status_code == 403
    assert list(Tag.objects.values_list("name", flat=True)) == ["VIP"]


def test_the_tag_list_makes_as_many_queries_for_50_tags_as_for_1(admin, api_as):
    api = api_as(admin)
    Tag.objects.create(name="T0")
    one = queries_of(api, "/tags")
    Tag.objects.bulk_create(Tag(name=f"T{n}") for n in range(1, 50))

    assert queries_of(api, "/tags") == one


# --- Custom fields -------------------------------------------------------------------------


def test_it_lists_custom_field_definitions_and_their_values_are_written_on_records(admin, api_as):
    custom_field_create(
        actor=admin,
        record_type_key="person",
        label="Asiakastaso",
        kind="choice",
        new_choices=["Kulta", "Hopea"],
    )
    api = api_as(admin)

    fields = api.get("/custom-fields", {"record_type": "person"}).json()
    created = api.post("/people", {"last_name": "Virtanen", "custom": {"asiakastaso": "kulta"}})
    refused = api.post("/people", {"last_name": "Nieminen", "custom": {"asiakastaso": "nope"}})

    assert fields[0]["code"] == "asiakastaso"
    assert fields[0]["kind"] == "choice"
    assert [c["key"] for c in fields[0]["choices"]] == ["kulta", "hopea"]
    assert api.get("/custom-fields", {"record_type": "organization"}).json() == []
    assert api.get("/custom-fields", {"record_type": "nope"}).status_code == 400
    assert api.get("/custom-fields").status_code == 422
    assert created.json()["custom"] == {"asiakastaso": "kulta"}
    assert refused.status_code == 422
    assert Person.objects.count() == 1
    assert Organization.objects.count() == 0


def test_the_custom_field_list_makes_as_many_queries_for_50_fields_as_for_1(admin, api_as):
    api = api_as(admin)
    custom_field_create(actor=admin, record_type_key="person", label="F0", kind="text")
    one = queries_of(api, "/custom-fields", {"record_type": "person"})
    for n in range(1, 50):
        custom_field_create(actor=admin, record_type_key="person", label=f"F{n}", kind="text")

    assert queries_of(api, "/custom-fields", {"record_type": "person"}) == one
