"""Fixtures of lead capture (web forms and assignment), shared by its test modules through
`from sampo.sales.tests.capture_fixtures import *`."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from sampo.accounts.models import Role, Team
from sampo.sales import services as sales
from sampo.sales.assignment import services as assignment
from sampo.sales.models import Pipeline, ProductInterest
from sampo.sales.webforms import services as webforms

__all__ = ["cloud", "cloud_team", "demo_form", "demo_rule", "leads_pipeline", "on_premise"]


@pytest.fixture
def cloud(admin: Any) -> ProductInterest:
    return sales.choice_create(actor=admin, model=ProductInterest, name="Sampo Cloud")  # type: ignore[return-value]


@pytest.fixture
def on_premise(admin: Any) -> ProductInterest:
    return sales.choice_create(actor=admin, model=ProductInterest, name="Sampo On-premise")  # type: ignore[return-value]


@pytest.fixture
def cloud_team(db: None, manager: Any) -> Team:
    """Cloud sales: led by the manager (not a member), three sellers who take turns by name."""
    team = Team.objects.create(name="Cloud sales", leader=manager)
    team.members.set(
        [
            make_user("aino@sampo.test", "Aino Aalto", Role.SALESPERSON),
            make_user("bela@sampo.test", "Béla Balogh", Role.SALESPERSON),
            make_user("cecilia@sampo.test", "Cecilia Carlsson", Role.SALESPERSON),
        ]
    )
    return team


@pytest.fixture
def leads_pipeline(admin: Any, cloud_team: Team) -> Pipeline:
    return sales.pipeline_create(actor=admin, name="Cloud", team=cloud_team, uses_leads=True)


@pytest.fixture
def demo_form(admin: Any, leads_pipeline: Pipeline) -> Any:
    return webforms.web_form_create(
        actor=admin,
        values={
            "name": "Request a demo",
            "pipeline": leads_pipeline,
            "fields": [
                {"name": "contact_name", "required": True},
                {"name": "company_name", "required": False},
                {"name": "email", "required": True, "labels": {"fi": "Sähköposti"}},
                {"name": "country", "required": False},
                {"name": "product_interest", "required": True},
                {"name": "description", "required": False},
            ],
            "thank_you_message": "Thanks! We will call you within a day.",
            "allowed_origins": "https://www.example.com",
        },
    )


@pytest.fixture
def demo_rule(admin: Any, cloud: ProductInterest, cloud_team: Team) -> Any:
    return assignment.rule_create(
        actor=admin,
        values={"name": "Cloud demos", "product_interest": cloud, "team": cloud_team},
    )
