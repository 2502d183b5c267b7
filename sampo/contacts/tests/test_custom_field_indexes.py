"""Custom fields that lists filter on get an index on their value (core.custom_fields.indexes),
on both databases: created with the field, dropped when it is archived, and the very
expression the list filter compares."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import QueryDict

from sampo.contacts import services
from sampo.contacts.models import Organization
from sampo.core import custom_fields
from sampo.core.custom_fields import filters, indexes
from sampo.core.custom_fields import services as field_services


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, Organization._meta.db_table)
    return {name for name in found if name.startswith("cf_")}


def _field(admin, kind, captured, **options):
    with captured(execute=True):
        return field_services.custom_field_create(
            actor=admin, record_type_key="organization", label=f"My {kind}", kind=kind, **options
        )


@pytest.mark.parametrize(
    ("kind", "options"),
    [
        ("choice", {"new_choices": ["Gold", "Silver"]}),
        ("number", {}),
        ("money", {"currency": "EUR"}),
        ("date", {}),
    ],
)
def test_it_indexes_a_filterable_field_until_it_is_archived(
    admin, django_capture_on_commit_callbacks, kind, options
):
    field = _field(admin, kind, django_capture_on_commit_callbacks, **options)
    assert indexes.index_name(field) in _indexes()

    with django_capture_on_commit_callbacks(execute=True):
        field_services.custom_field_archive(actor=admin, field=field, archived=True)
    assert indexes.index_name(field) not in _indexes()

    with django_capture_on_commit_callbacks(execute=True):
        field_services.custom_field_archive(actor=admin, field=field, archived=False)
    assert indexes.index_name(field) in _indexes()


def test_it_indexes_no_text_field(admin, django_capture_on_commit_callbacks):
    field = _field(admin, "text", django_capture_on_commit_callbacks)

    assert indexes.index_name(field) not in _indexes()


def test_sync_creates_the_missing_indexes_and_drops_those_of_archived_fields(admin):
    seats = field_services.custom_field_create(
        actor=admin, record_type_key="organization", label="Seats", kind="number"
    )
    gone = field_services.custom_field_create(
        actor=admin, record_type_key="organization", label="Gone", kind="date"
    )
    indexes.index_ensure(gone)
    field_services.custom_field_archive(actor=admin, field=gone, archived=True)

    indexes.sync()

    assert indexes.index_name(seats) in _indexes()
    assert indexes.index_name(gone) not in _indexes()


@pytest.mark.parametrize(
    ("kind", "options", "query", "value", "other"),
    [
        ("choice", {"new_choices": ["Gold", "Silver"]}, "cf_my_choice=gold", "gold", "silver"),
        ("number", {}, "cf_my_number_min=10", "12.5", "3"),
        ("money", {}, "cf_my_money_max=100", {"amount": "99", "currency": "EUR"}, None),
        ("date", {}, "cf_my_date_from=2027-01-01", "2027-03-01", "2026-03-01"),
    ],
)
def test_the_list_filter_is_served_by_the_index(
    admin, seller, django_capture_on_commit_callbacks, kind, options, query, value, other
):
    field = _field(admin, kind, django_capture_on_commit_callbacks, **options)
    for name, stored in (("Match Oy", value), ("Other Oy", other), ("Empty Oy", None)):
        services.organization_create(
            actor=seller,
            values={"name": name, "custom": {field.code: stored} if stored else {}},
            allow_duplicate=True,
        )
    chosen = filters.parse(custom_fields.definitions("organization"), QueryDict(query))
    rows = filters.apply(Organization.objects.all(), chosen)

    assert [o.name for o in rows] == ["Match Oy"]
    # Without the trash filter and the sort, whose own indexes SQLite would rather read for a
    # table of three rows.
    bare = filters.apply(Organization._base_manager.order_by(), chosen)
    assert indexes.index_name(field) in _plan(bare)


def _plan(rows) -> str:
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A table of three rows is read whole unless told otherwise: the question here
            # is whether the index serves the filter's expression at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())
