"""A bulk action on more rows than a request should carry is run by a separate worker process,
on the database queue and on Redis, and the user is notified when it is done."""

from __future__ import annotations

import pytest

from sampo.contacts import services
from sampo.contacts.lists import PEOPLE
from sampo.contacts.models import Person, Tag
from sampo.lists import bulk
from sampo.notifications.models import Notification
from tests.worker.support import Sampo, TaskQueue, wait_until


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_tags_a_large_selection_and_notifies(
    sampo: Sampo, queue: TaskQueue, seller, settings
) -> None:
    settings.BULK_INLINE_LIMIT = 5
    for n in range(12):
        services.person_create(actor=seller, values={"last_name": f"Virtanen {n}"})
    services.person_create(actor=seller, values={"last_name": "Korhonen"})
    vip = Tag.objects.create(name="VIP")

    result = bulk.bulk_submit(
        actor=seller,
        spec=PEOPLE,
        code="add_tags",
        selection=bulk.Selection(query="q=virtanen", everything=True),
        params={"tags": [vip.pk]},
    )

    assert result is None
    assert queue.waiting() == 1
    assert not Person.objects.filter(tags=vip).exists()
    sampo.start("worker", "worker")

    notification = wait_until(
        lambda: Notification.objects.filter(recipient=seller).first(),
        timeout=120,
        what="the bulk action to finish",
        details=sampo.logs,
    )
    assert Person.objects.filter(tags=vip).count() == 12
    assert not Person.objects.filter(last_name="Korhonen", tags=vip).exists()
    assert "12 changed" in notification.text
