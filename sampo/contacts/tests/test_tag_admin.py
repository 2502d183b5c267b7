from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sampo.contacts import services
from sampo.contacts.models import Organization, Person, Tag


@pytest.fixture
def tags(db):
    return {name: Tag.objects.create(name=name) for name in ("VIP", "Vip-asiakas", "Messut")}


def _org(seller, name, tags):
    return services.organization_create(actor=seller, values={"name": name, "tags": tags})


def _person(seller, name, tags):
    return services.person_create(actor=seller, values={"last_name": name, "tags": tags})


def test_admins_see_each_tag_with_its_organizations_and_people(client, admin, seller, tags):
    _org(seller, "A Oy", [tags["VIP"]])
    trashed = _org(seller, "B Oy", [tags["VIP"]])
    services.organization_trash(actor=seller, organization=trashed)
    _person(seller, "Virtanen", [tags["VIP"], tags["Messut"]])
    client.force_login(admin)

    rows = {
        t.name: (t.organization_count, t.person_count)
        for t in client.get("/admin/tags/").context["tags"]
    }

    assert rows == {"Messut": (0, 1), "VIP": (1, 1), "Vip-asiakas": (0, 0)}


@pytest.mark.parametrize("persona", ["manager", "seller", "viewer"])
def test_other_roles_are_refused_and_nothing_is_written(client, request, persona, tags):
    client.force_login(request.getfixturevalue(persona))
    vip, other = tags["VIP"], tags["Vip-asiakas"]

    responses = [
        client.get("/admin/tags/"),
        client.post("/admin/tags/", {"name": "New"}),
        client.post(f"/admin/tags/{vip.pk}/edit/", {"name": "Renamed"}),
        client.post(f"/admin/tags/{vip.pk}/merge/", {"into": other.pk}),
        client.post(f"/admin/tags/{vip.pk}/delete/"),
    ]

    assert [r.status_code for r in responses] == [403] * 5
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Messut", "VIP", "Vip-asiakas"]


def test_the_services_refuse_a_non_admin(seller, tags):
    with pytest.raises(PermissionDenied):
        services.tag_merge(actor=seller, tag=tags["VIP"], into=tags["Messut"])
    with pytest.raises(PermissionDenied):
        services.tag_delete(actor=seller, tag=tags["VIP"])


def test_an_admin_adds_and_renames_a_tag(client, admin, tags):
    client.force_login(admin)

    client.post("/admin/tags/", {"name": "Kumppani"})
    client.post(f"/admin/tags/{tags['Messut'].pk}/edit/", {"name": "Messut 2025"})

    names = sorted(Tag.objects.values_list("name", flat=True))
    assert names == ["Kumppani", "Messut 2025", "VIP", "Vip-asiakas"]


@pytest.mark.parametrize("name", ["vip", "VIP", " Vip "])
def test_a_name_taken_in_another_case_is_refused_next_to_the_field(client, admin, tags, name):
    client.force_login(admin)

    response = client.post("/admin/tags/", {"name": name})

    assert response.status_code == 200
    assert "There is already a tag called" in response.context["form"].errors["name"][0]
    assert Tag.objects.count() == 3


def test_case_insensitive_names_cover_letters_beyond_ascii(admin):
    services.tag_create(actor=admin, name="Ääni")

    with pytest.raises(ValidationError):
        services.tag_create(actor=admin, name="ÄÄNI")


def test_a_rename_to_another_tags_name_is_refused_but_a_change_of_case_is_allowed(admin, tags):
    with pytest.raises(ValidationError):
        services.tag_rename(actor=admin, tag=tags["Messut"], name="vip")

    services.tag_rename(actor=admin, tag=tags["VIP"], name="vip")

    assert Tag.objects.filter(name="vip").exists()


def test_a_merge_moves_every_organization_and_person_to_the_surviving_tag(
    client, admin, seller, tags
):
    vip, survivor = tags["Vip-asiakas"], tags["VIP"]
    only_old = _org(seller, "A Oy", [vip])
    both = _org(seller, "B Oy", [vip, survivor])
    trashed = _org(seller, "C Oy", [vip])
    services.organization_trash(actor=seller, organization=trashed)
    person = _person(seller, "Virtanen", [vip, tags["Messut"]])
    client.force_login(admin)

    response = client.post(f"/admin/tags/{vip.pk}/merge/", {"into": survivor.pk})

    assert response.status_code == 302
    assert not Tag.objects.filter(pk=vip.pk).exists()
    for organization in (only_old, both, trashed):
        tagged = Organization.all_objects.get(pk=organization.pk).tags.all()
        assert list(tagged) == [survivor]
    assert sorted(t.name for t in Person.objects.get(pk=person.pk).tags.all()) == ["Messut", "VIP"]


def test_a_tag_cannot_be_merged_into_itself(admin, tags):
    with pytest.raises(ValidationError):
        services.tag_merge(actor=admin, tag=tags["VIP"], into=tags["VIP"])
    assert Tag.objects.filter(pk=tags["VIP"].pk).exists()


def test_deleting_a_tag_removes_it_from_records_and_keeps_the_records(client, admin, seller, tags):
    organization = _org(seller, "A Oy", [tags["VIP"], tags["Messut"]])
    client.force_login(admin)

    client.post(f"/admin/tags/{tags['VIP'].pk}/delete/")

    assert [t.name for t in Organization.objects.get(pk=organization.pk).tags.all()] == ["Messut"]
    assert not Tag.objects.filter(name="VIP").exists()


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/tags/").status_code == 200
    return len(queries)


def test_the_list_needs_the_same_queries_for_one_tag_and_fifty(client, admin, seller):
    tag = Tag.objects.create(name="First")
    _org(seller, "A Oy", [tag])
    client.force_login(admin)
    one = _queries(client)
    for n in range(50):
        Tag.objects.create(name=f"Tag {n}")

    assert _queries(client) == one
