from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sampo.contacts import services
from sampo.contacts.models import Organization
from sampo.core.models import HistoryEntry


def test_it_normalizes_what_the_user_typed(organization, seller):
    assert organization.owner == seller
    assert organization.business_id == "0112038-9"
    assert organization.business_id_key == "01120389"
    assert organization.phone == "+358312345678"
    assert organization.email == "info@virtanen.example"
    assert organization.name_folded == "rakennus virtanen oy"
    assert HistoryEntry.objects.filter(object_id=str(organization.pk), action="created").exists()


@pytest.mark.parametrize(
    "values",
    [
        {"business_id": "FI01120389"},
        {"email": "INFO@virtanen.example"},
        {"phone": "+358 3 1234 5678"},
        {"name": "RAKENNUS  VIRTANEN OY", "city": "tampere"},
    ],
)
def test_the_duplicate_guard_names_the_existing_record_and_its_owner(
    organization, teammate, values
):
    with pytest.raises(services.DuplicateError) as error:
        services.organization_create(actor=teammate, values={"name": "Virtanen", **values})

    assert [m.record for m in error.value.matches] == [organization]
    assert error.value.matches[0].record.owner.name == "Mikko Myyjä"
    assert Organization.objects.count() == 1


def test_a_confirmed_duplicate_is_saved(organization, teammate):
    services.organization_create(
        actor=teammate,
        values={"name": "Rakennus Virtanen Oy", "city": "Tampere"},
        allow_duplicate=True,
    )

    assert Organization.objects.count() == 2


def test_an_invalid_business_id_is_refused_and_nothing_is_saved(seller):
    with pytest.raises(ValidationError) as error:
        services.organization_create(
            actor=seller, values={"name": "Bad Oy", "business_id": "1234567-0"}
        )

    assert "business_id" in error.value.error_dict
    assert not Organization.all_objects.exists()


def test_read_only_users_cannot_create(viewer):
    with pytest.raises(PermissionDenied):
        services.organization_create(actor=viewer, values={"name": "X Oy"})


def test_a_salesperson_cannot_edit_a_colleagues_organization(organization, teammate):
    with pytest.raises(PermissionDenied):
        services.organization_update(
            actor=teammate,
            organization=organization,
            values={"name": "Mine"},
            expected_version=None,
        )

    assert Organization.objects.get(pk=organization.pk).name == "Rakennus Virtanen Oy"


def test_the_team_leader_edits_the_teams_organizations(organization, manager, sales_team):
    services.organization_update(
        actor=manager, organization=organization, values={"city": "Helsinki"}, expected_version=1
    )

    assert Organization.objects.get(pk=organization.pk).city == "Helsinki"


def test_an_organization_cannot_be_its_own_parent(organization, seller):
    with pytest.raises(ValidationError):
        services.organization_update(
            actor=seller,
            organization=organization,
            values={"parent": organization},
            expected_version=None,
        )
