from __future__ import annotations

import pytest

from sampo.contacts import services


@pytest.fixture
def organization(seller):
    return services.organization_create(
        actor=seller,
        values={
            "name": "Rakennus Virtanen Oy",
            "business_id": "0112038-9",
            "city": "Tampere",
            "country": "FI",
            "phone": "03 1234 5678",
            "email": "Info@Virtanen.example",
        },
    )
