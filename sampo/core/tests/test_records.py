from __future__ import annotations

import pytest

from sampo.accounts.models import Team
from sampo.core import records
from sampo.core.models import HistoryEntry
from sampo.core.records import StaleEditError


@pytest.fixture
def team(admin):
    return records.record_create(Team(name="Export", description="Hungary"), actor=admin)


def test_it_records_each_changed_field_with_old_and_new_value(admin, team, seller):
    records.record_update(
        team,
        actor=admin,
        values={"name": "Export Hungary", "leader": seller},
        expected_version=team.version,
    )

    entry = HistoryEntry.objects.filter(action="changed").get()
    changes = {c["field"]: c for c in entry.changes}
    assert changes["name"]["old"] == "Export"
    assert changes["name"]["new"] == "Export Hungary"
    assert changes["leader"]["new"] == seller.pk
    assert changes["leader"]["new_label"] == seller.name
    assert "description" not in changes
    assert entry.actor == admin


def test_it_records_many_to_many_changes(admin, team, seller, teammate):
    records.record_update(
        team, actor=admin, values={"members": [seller, teammate]}, expected_version=None
    )

    entry = HistoryEntry.objects.get(action="changed")
    assert entry.changes[0]["field"] == "members"
    assert entry.changes[0]["new"] == sorted([seller.pk, teammate.pk])


def test_it_refuses_a_stale_edit_and_keeps_the_other_change(admin, team):
    records.record_update(team, actor=admin, values={"name": "First"}, expected_version=1)

    with pytest.raises(StaleEditError) as error:
        records.record_update(team, actor=admin, values={"name": "Second"}, expected_version=1)

    assert error.value.current_version == 2
    assert Team.objects.get(pk=team.pk).name == "First"
    assert HistoryEntry.objects.filter(action="changed").count() == 1


def test_it_writes_no_history_when_nothing_changed(admin, team):
    records.record_update(team, actor=admin, values={"name": "Export"}, expected_version=None)

    assert not HistoryEntry.objects.filter(action="changed").exists()


def test_it_refuses_invalid_values_and_changes_nothing(admin, team):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        records.record_update(team, actor=admin, values={"name": ""}, expected_version=None)

    team.refresh_from_db()
    assert team.name == "Export"
    assert team.version == 1


def test_trash_hides_the_record_and_restore_brings_it_back(admin, team):
    records.record_trash(team, actor=admin)

    assert not Team.objects.filter(pk=team.pk).exists()
    assert Team.all_objects.get(pk=team.pk).deleted_by == admin

    records.record_restore(team, actor=admin)

    assert Team.objects.filter(pk=team.pk).exists()
    actions = list(
        HistoryEntry.objects.filter(object_id=str(team.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["created", "deleted", "restored"]
