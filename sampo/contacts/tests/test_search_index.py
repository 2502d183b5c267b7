"""Global search reads trigram indexes of the folded names (core.search_index); they follow
every write: create, edit, merge, trash, purge, import, and repair themselves after a table
lost its triggers. Visibility stays in the query on every pass."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from sampo.accounts.models import Role, RoleRight
from sampo.contacts import merge, services
from sampo.contacts.models import Organization, Person
from sampo.contacts.selectors import organization_search_hits, person_search_hits
from sampo.contacts.tests.imports.support import run_import
from sampo.core import search, search_index
from sampo.core.tasks import purge_trash

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 tables on SQLite")


def _titles(hits):
    return [hit.title for hit in hits]


def _person(actor, first, last, **values):
    return services.person_create(
        actor=actor,
        values={"first_name": first, "last_name": last, **values},
        allow_duplicate=True,
    )


def _assert_indexes_match_their_tables():
    assert search_index.out_of_step() == []


def test_it_finds_a_record_by_its_current_name_after_each_edit(seller):
    person = _person(seller, "Matti", "Virtanen")
    assert _titles(person_search_hits(seller, "virta", 5)) == ["Matti Virtanen"]

    services.person_update(
        actor=seller,
        person=person,
        values={"first_name": "Matti", "last_name": "Korhonen"},
        expected_version=person.version,
    )

    assert person_search_hits(seller, "virta", 5) == []
    assert _titles(person_search_hits(seller, "korho", 5)) == ["Matti Korhonen"]
    assert _titles(person_search_hits(seller, "korhosen", 5)) == ["Matti Korhonen"]
    _assert_indexes_match_their_tables()


def test_a_merge_leaves_only_the_survivor_to_find(seller):
    survivor = services.organization_create(
        actor=seller, values={"name": "Rakennus Virtanen Oy"}, allow_duplicate=True
    )
    duplicate = services.organization_create(
        actor=seller, values={"name": "Rakennus Virtasen"}, allow_duplicate=True
    )

    merge.record_merge(actor=seller, survivor=survivor, others=[duplicate])

    assert _titles(organization_search_hits(seller, "rakennus virta", 5)) == [
        "Rakennus Virtanen Oy"
    ]
    _assert_indexes_match_their_tables()


def test_trashed_and_purged_records_are_not_found(seller, settings):
    settings.TRASH_RETENTION_DAYS = 30
    person = _person(seller, "Matti", "Virtanen")
    services.person_trash(actor=seller, person=person)

    assert person_search_hits(seller, "virta", 5) == []
    assert person_search_hits(seller, "virtasen", 5) == []

    Person.all_objects.filter(pk=person.pk).update(
        deleted_at=timezone.now() - datetime.timedelta(days=31)
    )
    assert purge_trash() == 1
    _assert_indexes_match_their_tables()


def test_imported_records_are_found_by_a_fragment_and_a_typo(seller):
    rows = [
        ["Etunimi", "Sukunimi", "Sähköposti", "Yritys"],
        ["Ágnes", "Szűcs", "agnes@szucs.example", "Pörssi Rakennus Oy"],
        ["Matti", "Virtanen", "matti@virtanen.example", ""],
    ]

    batch = run_import(seller, "people", rows)

    assert batch.created_count == 2
    assert _titles(person_search_hits(seller, "szucs", 5)) == ["Ágnes Szűcs"]
    assert _titles(person_search_hits(seller, "birtanen", 5)) == ["Matti Virtanen"]
    assert _titles(organization_search_hits(seller, "porssi", 5)) == ["Pörssi Rakennus Oy"]
    _assert_indexes_match_their_tables()


@pytest.mark.parametrize("query", ["virta", "Virtanen", "virtasen"])
def test_every_pass_keeps_to_the_records_the_user_may_read(seller, teammate, query):
    RoleRight.objects.create(
        role=Role.objects.get(code=Role.SALESPERSON),
        record_type="contacts.person",
        action="read",
        scope="own",
    )
    _person(teammate, "Matti", "Virtanen")
    _person(seller, "Liisa", "Virtanen")

    assert _titles(person_search_hits(seller, query, 5)) == ["Liisa Virtanen"]


@sqlite_only
def test_on_sqlite_a_table_that_lost_its_triggers_gets_them_back_and_a_fresh_index(seller):
    index = search_index.index_of(Person, "name_folded")
    assert index is not None
    with connection.cursor() as cursor:
        cursor.execute(f'DROP TRIGGER "{index.fts}_ai"')  # as when Django rebuilds the table
    _person(seller, "Matti", "Virtanen")  # written while the trigger is missing
    assert search_index.out_of_step() == [index.name]

    built = search_index.ensure()

    assert built == [index.name]
    assert _titles(person_search_hits(seller, "virta", 5)) == ["Matti Virtanen"]
    _person(seller, "Liisa", "Virtala")
    assert _titles(person_search_hits(seller, "virta", 5)) == ["Liisa Virtala", "Matti Virtanen"]
    _assert_indexes_match_their_tables()
    assert search_index.ensure() == []


@sqlite_only
def test_on_sqlite_the_fragment_pass_reads_the_trigram_table_not_the_whole_table(db):
    rows = search.containing(Organization.objects.all(), field="name_folded", fragments=["virta"])
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row[3]) for row in cursor.fetchall())

    assert "org_name_trgm_idx_fts" in plan
    assert "SCAN contacts_organization" not in plan


def test_the_rebuild_command_builds_every_index_again(seller):
    _person(seller, "Matti", "Virtanen")
    out = io.StringIO()

    call_command("rebuild_search_index", stdout=out)

    assert "person_name_trgm_idx" in out.getvalue()
    assert "opp_title_trgm_idx" in out.getvalue()
    assert _titles(person_search_hits(seller, "virtasen", 5)) == ["Matti Virtanen"]
    _assert_indexes_match_their_tables()
