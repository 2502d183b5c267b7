from __future__ import annotations

import pytest

from sampo.activities.models import ActivityType
from sampo.contacts import services as contacts


@pytest.fixture
def call_type(db):
    return ActivityType.objects.get(code="call")


@pytest.fixture
def organization(seller):
    return contacts.organization_create(actor=seller, values={"name": "Rakennus Virtanen Oy"})


@pytest.fixture
def contact(seller, organization):
    return contacts.person_create(
        actor=seller,
        values={"first_name": "Maija", "last_name": "Lehtonen"},
        organization=organization,
    )
