from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sampo.contacts import services
from sampo.contacts.models import Organization, RelationshipType

PAGES = ["/admin/relationship-types/"]


def _type(code: str) -> RelationshipType:
    return RelationshipType.objects.get(code=code)


def test_admins_see_the_types_with_how_many_organizations_have_each(client, admin, seller):
    services.organization_create(
        actor=seller, values={"name": "A Oy", "relationship_types": [_type("customer")]}
    )
    client.force_login(admin)

    types = {t.code: t.organization_count for t in client.get(PAGES[0]).context["types"]}

    assert types["customer"] == 1
    assert types["supplier"] == 0


@pytest.mark.parametrize("persona", ["manager", "seller", "viewer"])
def test_other_roles_are_refused_and_nothing_is_written(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    customer = _type("customer")
    before = list(RelationshipType.objects.values_list("code", "name", "position"))

    responses = [
        client.get(PAGES[0]),
        client.post(PAGES[0], {"name": "Reseller"}),
        client.post(f"/admin/relationship-types/{customer.pk}/edit/", {"name": "X", "position": 1}),
        client.post(f"/admin/relationship-types/{customer.pk}/down/"),
        client.post(f"/admin/relationship-types/{_type('donor').pk}/delete/"),
    ]

    assert [r.status_code for r in responses] == [403] * 5
    assert list(RelationshipType.objects.values_list("code", "name", "position")) == before


def test_the_service_refuses_a_non_admin(seller):
    with pytest.raises(PermissionDenied):
        services.relationship_type_create(actor=seller, name="Reseller")


def test_an_admin_adds_a_type_at_the_end_of_the_order(client, admin):
    client.force_login(admin)

    response = client.post(PAGES[0], {"name": "  Jälleenmyyjä "})

    added = RelationshipType.objects.get(name="Jälleenmyyjä")
    assert response.status_code == 302
    assert added.code == "jalleenmyyja"
    assert added.position > max(t.position for t in RelationshipType.objects.exclude(pk=added.pk))


def test_an_empty_name_is_shown_next_to_the_field_and_nothing_is_added(client, admin):
    client.force_login(admin)
    count = RelationshipType.objects.count()

    response = client.post(PAGES[0], {"name": "   "})

    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    assert RelationshipType.objects.count() == count


def test_a_seeded_type_reads_translated_until_an_admin_renames_it(admin):
    customer = _type("customer")
    with translation.override("fi"):
        assert str(customer) == "Asiakas"

    services.relationship_type_update(actor=admin, relationship_type=customer, name="Key account")

    customer.refresh_from_db()
    with translation.override("fi"):
        assert str(customer) == "Key account"
    with translation.override("hu"):
        assert str(customer) == "Key account"


def test_saving_a_seeded_type_unchanged_keeps_it_translated(client, admin):
    admin.language = "fi"
    admin.save(update_fields=["language"])
    client.force_login(admin)
    customer = _type("customer")
    form = client.get(f"/admin/relationship-types/{customer.pk}/edit/").context["form"]
    assert form.initial["name"] == "Asiakas"

    url = f"/admin/relationship-types/{customer.pk}/edit/"
    client.post(url, {"name": "Asiakas", "position": 5})

    customer.refresh_from_db()
    assert (customer.name, customer.position) == ("Customer", 5)
    with translation.override("hu"):
        assert str(customer) == "Ügyfél"


def test_moving_a_type_up_swaps_it_with_the_one_before(client, admin):
    client.force_login(admin)
    order = list(RelationshipType.objects.order_by("position").values_list("code", flat=True))

    client.post(f"/admin/relationship-types/{_type(order[2]).pk}/up/")

    new_order = list(RelationshipType.objects.order_by("position").values_list("code", flat=True))
    assert new_order == [order[0], order[2], order[1], *order[3:]]


def test_an_unused_type_can_be_deleted(client, admin):
    client.force_login(admin)

    client.post(f"/admin/relationship-types/{_type('donor').pk}/delete/")

    assert not RelationshipType.objects.filter(code="donor").exists()


def test_a_type_in_use_is_not_deleted_and_the_admin_is_told_why(client, admin, seller):
    organization = services.organization_create(
        actor=seller, values={"name": "A Oy", "relationship_types": [_type("customer")]}
    )
    services.organization_trash(actor=seller, organization=organization)  # the trash counts too
    client.force_login(admin)

    response = client.post(f"/admin/relationship-types/{_type('customer').pk}/delete/", follow=True)

    assert RelationshipType.objects.filter(code="customer").exists()
    assert "still used by 1 organization" in response.content.decode()
    restored = Organization.all_objects.get(pk=organization.pk)
    assert list(restored.relationship_types.values_list("code", flat=True)) == ["customer"]


def test_the_service_refuses_to_delete_a_type_in_use(admin, seller):
    customer = _type("customer")
    services.organization_create(
        actor=seller, values={"name": "A Oy", "relationship_types": [customer]}
    )

    with pytest.raises(ValidationError):
        services.relationship_type_delete(actor=admin, relationship_type=customer)


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PAGES[0]).status_code == 200
    return len(queries)


def test_the_list_needs_the_same_queries_for_few_types_and_fifty_more(client, admin, seller):
    services.organization_create(
        actor=seller, values={"name": "A Oy", "relationship_types": [_type("customer")]}
    )
    client.force_login(admin)
    few = _queries(client)
    for n in range(50):
        services.relationship_type_create(actor=admin, name=f"Type {n}")

    assert _queries(client) == few
