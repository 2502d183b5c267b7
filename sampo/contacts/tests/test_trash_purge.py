from __future__ import annotations

import datetime

from django.utils import timezone

from sampo.contacts import services
from sampo.contacts.models import Organization
from sampo.core.tasks import purge_trash


def test_purge_keeps_an_organization_that_a_live_subsidiary_points_to(seller, settings):
    settings.TRASH_RETENTION_DAYS = 30
    parent = services.organization_create(actor=seller, values={"name": "Konserni Oy"})
    child = services.organization_create(
        actor=seller, values={"name": "Tytär Oy", "parent": parent}
    )
    services.organization_trash(actor=seller, organization=parent)
    Organization.all_objects.filter(pk=parent.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=40)
    )

    assert purge_trash() == 0

    assert Organization.all_objects.filter(pk=parent.pk).exists()
    child.refresh_from_db()
    assert child.parent_id == parent.pk


def test_purge_takes_a_persons_memberships_with_them(seller, organization, settings):
    settings.TRASH_RETENTION_DAYS = 30
    person = services.person_create(
        actor=seller, values={"last_name": "Lähtijä"}, organization=organization
    )
    services.person_trash(actor=seller, person=person)
    type(person).all_objects.filter(pk=person.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=31)
    )

    assert purge_trash() == 1

    assert not organization.memberships.exists()
    assert Organization.objects.filter(pk=organization.pk).exists()
