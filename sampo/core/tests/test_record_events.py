"""History tells the record-event listeners of each entry (that they run in the transaction of
the change is tested by webhooks' outbox: a rolled-back change leaves no event)."""

from __future__ import annotations

from typing import Any

import pytest

from sampo.contacts import services as contacts
from sampo.core import record_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard() -> Any:
    calls: list[tuple[Any, str]] = []

    def listener(instance: Any, code: str, entry: Any) -> None:
        calls.append((instance, code))

    record_events.subscribe(listener)
    yield calls
    record_events.unsubscribe(listener)


def test_it_tells_listeners_of_each_change(admin, heard) -> None:
    organization = contacts.organization_create(actor=admin, values={"name": "Lämpö Oy"})
    contacts.organization_update(
        actor=admin, organization=organization, values={"city": "Oulu"}, expected_version=None
    )
    contacts.organization_trash(actor=admin, organization=organization)

    assert [(i.pk, code) for i, code in heard] == [
        (organization.pk, "created"),
        (organization.pk, "changed"),
        (organization.pk, "deleted"),
    ]
