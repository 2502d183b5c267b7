from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from sampo.accounts.models import Team
from sampo.core import records, trash
from sampo.core.models import HistoryEntry
from sampo.core.tasks import purge_trash


@pytest.fixture
def trashed_team(admin):
    team = records.record_create(Team(name="Old team"), actor=admin)
    return records.record_trash(team, actor=admin)


def test_it_lists_trashed_records_to_admins(client, admin, trashed_team):
    client.force_login(admin)

    response = client.get("/trash/")

    assert response.status_code == 200
    assert "Old team" in response.content.decode()


def test_it_refuses_the_trash_to_non_admins(client, seller, trashed_team):
    client.force_login(seller)

    assert client.get("/trash/").status_code == 403


def test_an_admin_restores_from_the_trash(client, admin, trashed_team):
    client.force_login(admin)
    content_type = ContentType.objects.get_for_model(Team)

    response = client.post(f"/trash/{content_type.pk}/{trashed_team.pk}/restore/")

    assert response.status_code == 302
    assert Team.objects.filter(pk=trashed_team.pk).exists()


def test_a_non_admin_cannot_restore_and_nothing_changes(client, seller, trashed_team):
    client.force_login(seller)
    content_type = ContentType.objects.get_for_model(Team)
    entries_before = HistoryEntry.objects.count()

    response = client.post(f"/trash/{content_type.pk}/{trashed_team.pk}/restore/")

    assert response.status_code == 403
    assert not Team.objects.filter(pk=trashed_team.pk).exists()
    assert HistoryEntry.objects.count() == entries_before


def test_restoring_an_unregistered_type_is_not_found(client, admin):
    client.force_login(admin)
    content_type = ContentType.objects.get_for_model(HistoryEntry)

    assert client.post(f"/trash/{content_type.pk}/1/restore/").status_code == 404


def test_purge_removes_only_what_is_older_than_the_retention(admin, trashed_team, settings):
    settings.TRASH_RETENTION_DAYS = 30
    recent = records.record_trash(
        records.record_create(Team(name="Recent"), actor=admin), actor=admin
    )
    Team.all_objects.filter(pk=trashed_team.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=31)
    )

    assert purge_trash() == 1

    assert not Team.all_objects.filter(pk=trashed_team.pk).exists()
    assert not HistoryEntry.objects.filter(
        object_id=str(trashed_team.pk), record_label="Old team"
    ).exists()
    assert Team.all_objects.filter(pk=recent.pk).exists()


def test_trash_items_are_newest_first(admin, trashed_team):
    newer = records.record_trash(
        records.record_create(Team(name="Newer"), actor=admin), actor=admin
    )

    items = trash.trash_items(user=admin)

    assert [item.record.pk for item in items] == [newer.pk, trashed_team.pk]


def test_the_trash_needs_the_same_queries_for_one_record_and_for_fifty(client, admin, trashed_team):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admin)

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/trash/").status_code == 200
        return len(queries)

    page_queries()  # warms the content type cache
    one = page_queries()
    for n in range(49):
        records.record_trash(
            records.record_create(Team(name=f"Gone {n}"), actor=admin), actor=admin
        )

    assert page_queries() == one
