from __future__ import annotations

from typing import Any

import pytest

from sampo.activities.models import ActivityType
from sampo.contacts import services as contacts
from sampo.sales import services
from sampo.sales.models import LostReason, Pipeline


@pytest.fixture
def pipeline(db, sales_team) -> Pipeline:
    """The seeded pipeline, worked by the sales team."""
    seeded = Pipeline.objects.get(name="Sales")
    seeded.team = sales_team
    seeded.save(update_fields=["team"])
    return seeded


@pytest.fixture
def stages(pipeline) -> list:
    return list(pipeline.stages.order_by("position"))


@pytest.fixture
def call_type(db) -> ActivityType:
    return ActivityType.objects.get(code="call")


@pytest.fixture
def price(db) -> LostReason:
    return LostReason.objects.get(code="price")


@pytest.fixture
def organization(seller):
    return contacts.organization_create(actor=seller, values={"name": "Rakennus Virtanen Oy"})


@pytest.fixture
def make_opportunity(pipeline) -> Any:
    def make(owner, title: str = "Kevään toimitus", **values: Any):
        return services.opportunity_create(actor=owner, values={"title": title, **values})

    return make
