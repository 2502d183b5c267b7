"""Webhook payloads carry a record as the API shows it: each resource registers its output."""

from __future__ import annotations

import pytest

from sampo.api.representations import represent
from sampo.contacts import services as contacts
from sampo.sales import services as sales

pytestmark = pytest.mark.django_db


def test_a_payload_is_the_record_as_the_api_reads_it(admin, api_as):
    api = api_as(admin)
    organization = contacts.organization_create(actor=admin, values={"name": "Kallio Oy"})
    deal = sales.opportunity_create(
        actor=admin, values={"title": "Kevään toimitus", "organization": organization}
    )

    person = contacts.person_create(
        actor=admin, values={"first_name": "Anna", "last_name": "Kallio"}
    )

    assert represent(organization) == api.get(f"/organizations/{organization.pk}").json()
    assert represent(person) == api.get(f"/people/{person.pk}").json()
    assert represent(deal) == api.get(f"/opportunities/{deal.pk}").json()
