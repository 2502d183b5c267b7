"""Custom field values through import, export, merge and their undo."""

from __future__ import annotations

import pytest
from django.utils import translation

from sampo.contacts import exports, merge, selectors, services
from sampo.contacts.imports import services as imports
from sampo.contacts.models import Organization, Person
from sampo.contacts.tests.imports.support import run_import
from sampo.core.custom_fields import services as field_services
from sampo.core.models import HistoryEntry
from sampo.lib.spreadsheets import write_csv, write_xlsx


@pytest.fixture
def fields(admin):
    def make(label, kind, **options):
        return field_services.custom_field_create(
            actor=admin, record_type_key="organization", label=label, kind=kind, **options
        )

    return [
        make("Tier", "choice", new_choices=["Gold", "Silver"], labels={"fi": "Taso"}),
        make("Regions", "multi_choice", new_choices=["North", "South", "East"]),
        make("Budget", "money", currency="EUR"),
        make("Seats", "number"),
        make("Renewal", "date"),
        make("Signed partner", "yes_no"),
        make("Motto", "long_text"),
    ]


def _org(actor, name, **custom):
    return services.organization_create(
        actor=actor, values={"name": name, "custom": custom}, allow_duplicate=True
    )


HEADERS = ["Nimi", "Taso", "regions", "Budget", "Seats", "Renewal", "Signed partner", "cf_motto"]


def test_an_import_maps_custom_fields_by_label_or_code_and_parses_each_kind(seller, fields):
    batch = run_import(
        seller,
        "organizations",
        [
            HEADERS,
            ["A Oy", "gold", "North; East", "1 234,50 €", "1 200", "31.12.2027", "kyllä", "x\ny"],
            ["B Oy", "Silver", "south", "HUF 250000", "7.5", "2027-06-01", "no", ""],
        ],
    )

    assert batch.mapping == [
        "name", "cf_tier", "cf_regions", "cf_budget", "cf_seats", "cf_renewal",
        "cf_signed_partner", "cf_motto",
    ]  # fmt: skip
    assert batch.created_count == 2, list(batch.rows.values_list("message", flat=True))
    assert Organization.objects.get(name="A Oy").custom == {
        "tier": "gold",
        "regions": ["north", "east"],
        "budget": {"amount": "1234.50", "currency": "EUR"},
        "seats": "1200",
        "renewal": "2027-12-31",
        "signed_partner": True,
        "motto": "x\ny",
    }
    assert Organization.objects.get(name="B Oy").custom == {
        "tier": "silver",
        "regions": ["south"],
        "budget": {"amount": "250000.00", "currency": "HUF"},
        "seats": "7.5",
        "renewal": "2027-06-01",
        "signed_partner": False,
    }
    entry = HistoryEntry.objects.get(object_id=str(Organization.objects.get(name="A Oy").pk))
    assert {"custom.tier", "custom.budget"} <= {c["field"] for c in entry.changes}


def test_a_bad_custom_value_fails_its_row_with_the_reason(seller, fields):
    batch = run_import(
        seller,
        "organizations",
        [
            ["Name", "Tier", "Seats", "Renewal"],
            ["A Oy", "Platinum", "", ""],
            ["B Oy", "", "lots", ""],
            ["C Oy", "", "", "31.02.2027"],
            ["D Oy", "Gold", "3", "1.2.2027"],
        ],
    )

    assert (batch.created_count, batch.failed_count) == (1, 3)
    messages = list(batch.rows.order_by("row_number").values_list("message", flat=True))
    assert "“Platinum” is not one of the choices of Tier." in messages[0]
    assert "“lots” is not a number." in messages[1]
    assert "is not a date" in messages[2]
    assert not Organization.objects.exclude(name="D Oy").exists()


def test_an_import_updates_custom_values_and_undo_puts_them_back(seller, admin, fields):
    organization = services.organization_create(
        actor=seller,
        values={
            "name": "A Oy",
            "business_id": "0112038-9",
            "custom": {"tier": "gold", "seats": "3"},
        },
    )
    batch = run_import(
        seller,
        "organizations",
        [
            ["Name", "Business ID", "Tier", "Seats", "Motto"],
            ["A Oy", "0112038-9", "Silver", "3", "New"],
        ],
        match=["business_id"],
    )
    organization.refresh_from_db()
    assert batch.updated_count == 1
    assert organization.custom == {"tier": "silver", "seats": "3", "motto": "New"}

    imports.import_undo(actor=admin, batch=batch)

    organization.refresh_from_db()
    assert organization.custom == {"tier": "gold", "seats": "3"}


def test_the_export_has_a_column_per_active_field_and_reads_back_the_same(seller, admin, fields):
    values = {
        "tier": "gold",
        "regions": ["north", "east"],
        "budget": {"amount": "1234.50", "currency": "HUF"},
        "seats": "1200.5",
        "renewal": "2027-12-31",
        "signed_partner": True,
        "motto": "=cmd\nsecond line",
    }
    _org(seller, "A Oy", **values)
    _org(seller, "B Oy", signed_partner=False)
    columns = exports.with_custom_fields(exports.ORGANIZATION_COLUMNS, "organization")
    for fmt, language in (("csv", "fi"), ("xlsx", "hu")):
        with translation.override(language):
            rows = list(exports.table(columns, selectors.organization_rows(user=seller)))
            headers = exports.headers(columns)
            content = write_csv(rows, headers) if fmt == "csv" else write_xlsx(rows, headers, "S")
        assert ("Taso" if language == "fi" else "Tier") in headers
        Organization.all_objects.all().delete()
        HistoryEntry.objects.all().delete()

        batch = imports.import_from_file(
            actor=seller, kind="organizations", file_name=f"o.{fmt}", content=content
        )

        assert batch.created_count == 2, list(batch.rows.values_list("message", flat=True))
        assert Organization.objects.get(name="A Oy").custom == values
        assert Organization.objects.get(name="B Oy").custom == {"signed_partner": False}


def test_an_archived_field_is_left_out_of_exports_and_imports(seller, admin, fields):
    tier = fields[0]
    _org(seller, "A Oy", tier="gold")
    field_services.custom_field_archive(actor=admin, field=tier, archived=True)

    columns = exports.with_custom_fields(exports.ORGANIZATION_COLUMNS, "organization")
    batch = run_import(seller, "organizations", [["Name", "Tier"], ["B Oy", "Gold"]])

    assert "Tier" not in exports.headers(columns)
    assert batch.mapping == ["name", ""]
    assert Organization.objects.get(name="A Oy").custom == {"tier": "gold"}


def test_a_merge_fills_and_joins_custom_values_and_undo_restores_them(seller, fields):
    survivor = _org(seller, "A Oy", tier="gold", regions=["north"])
    other = _org(seller, "A Oy Ab", tier="silver", regions=["south", "north"], seats="9")

    record = merge.record_merge(actor=seller, survivor=survivor, others=[other])

    survivor.refresh_from_db()
    assert survivor.custom == {"tier": "gold", "regions": ["north", "south"], "seats": "9"}
    event = HistoryEntry.objects.filter(event="merged").get()
    assert {c["field"] for c in event.changes} >= {"custom.regions", "custom.seats"}

    merge.merge_undo(actor=seller, merge=record)

    survivor.refresh_from_db()
    other.refresh_from_db()
    assert survivor.custom == {"tier": "gold", "regions": ["north"]}
    assert other.custom == {"tier": "silver", "regions": ["south", "north"], "seats": "9"}
    assert other.deleted_at is None


def test_people_have_their_own_fields(admin, seller):
    field_services.custom_field_create(
        actor=admin, record_type_key="person", label="Shoe size", kind="number"
    )
    batch = run_import(
        seller, "people", [["Last name", "Shoe size", "Tier"], ["Virtanen", "43", "Gold"]]
    )

    assert batch.mapping == ["last_name", "cf_shoe_size", ""]
    assert Person.objects.get().custom == {"shoe_size": "43"}


@pytest.fixture
def segment(admin):
    return field_services.custom_field_create(
        actor=admin,
        record_type_key="organization",
        label="Segment",
        kind="choice",
        new_choices=["SMB", "Enterprise"],
        required=True,
    )


def test_the_services_refuse_a_new_record_without_a_required_custom_value(seller, segment):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.organization_create(actor=seller, values={"name": "Ilman Oy"})

    assert "cf_segment" in refused.value.message_dict
    assert not Organization.objects.exists()
    created = _org(seller, "Kanssa Oy", segment="smb")
    assert created.custom == {"segment": "smb"}


def test_the_services_refuse_to_empty_a_required_custom_value_but_keep_older_records_editable(
    admin, seller
):
    from django.core.exceptions import ValidationError

    older = _org(seller, "Vanha Oy")  # made before the field became required
    field_services.custom_field_create(
        actor=admin, record_type_key="organization", label="Segment", kind="text", required=True
    )
    newer = _org(seller, "Uusi Oy", segment="SMB")

    renamed = services.organization_update(
        actor=seller, organization=older, values={"name": "Vanha Oyj"}, expected_version=None
    )
    assert renamed.name == "Vanha Oyj"
    with pytest.raises(ValidationError) as refused:
        services.organization_update(
            actor=seller,
            organization=newer,
            values={"custom": {"segment": None}},
            expected_version=None,
        )
    assert "cf_segment" in refused.value.message_dict
    newer.refresh_from_db()
    assert newer.custom == {"segment": "SMB"}


def test_an_import_row_without_a_required_custom_value_fails_with_the_reason(seller, segment):
    rows = [["Name", "Segment"], ["Kanssa Oy", "SMB"], ["Ilman Oy", ""]]

    with translation.override("fi"):
        batch = run_import(seller, "organizations", rows)

    assert batch.created_count == 1
    failed = batch.rows.get(row_number=3)
    assert failed.outcome == "failed"
    assert failed.message == "Segment: Tämä kenttä vaaditaan."
    assert failed.cells == ["Ilman Oy", ""]
    assert list(Organization.objects.values_list("name", flat=True)) == ["Kanssa Oy"]


def test_a_people_import_creates_no_organization_missing_a_required_value(seller, segment):
    batch = run_import(
        seller, "people", [["Last name", "Organization"], ["Virtanen", "Tuntematon Oy"]]
    )

    [row] = batch.rows.all()
    assert row.outcome == "failed"
    assert "Segment" in row.message
    assert not Organization.objects.exists()
    assert not Person.objects.exists()
