"""What a row becomes: created, updated, skipped, skipped as a duplicate, or failed."""

from __future__ import annotations

import pytest

from sampo.contacts import services
from sampo.contacts.imports.models import ExternalId
from sampo.contacts.models import Membership, Organization, Person
from sampo.contacts.tests.imports.support import outcomes, run_import
from sampo.core.models import HistoryEntry

PEOPLE = [["Etunimi", "Sukunimi", "Sähköposti", "Puhelin", "Tunniste"]]


def test_it_creates_people_with_normalized_values_and_says_so_in_their_history(seller):
    batch = run_import(
        seller,
        "people",
        [*PEOPLE, ["Matti", "Virtanen", "Matti@Virtanen.FI", "040 123 4567", "p1"]],
    )

    person = Person.objects.get()
    assert (person.email, person.phone, person.owner) == (
        "matti@virtanen.fi",
        "+358401234567",
        seller,
    )
    assert (batch.created_count, outcomes(batch)) == (1, [(2, "created")])
    entry = HistoryEntry.objects.get(object_id=str(person.pk), content_type__model="person")
    assert (entry.action, entry.event, entry.actor) == ("event", "import_created", seller)


def test_it_updates_the_record_a_row_matches_by_email_and_keeps_empty_cells_from_erasing(
    seller,
):
    person = services.person_create(
        actor=seller,
        values={
            "first_name": "Matti",
            "last_name": "Virtanen",
            "email": "matti@virtanen.fi",
            "job_title": "CEO",
        },
    )

    batch = run_import(
        seller, "people", [*PEOPLE, ["Matti", "Virtanen", "MATTI@virtanen.fi", "040 123 4567", ""]]
    )

    person.refresh_from_db()
    assert outcomes(batch) == [(2, "updated")]
    assert (person.phone, person.job_title, person.version) == ("+358401234567", "CEO", 2)
    assert Person.objects.count() == 1


def test_it_skips_a_matched_record_when_asked_to(seller):
    services.person_create(actor=seller, values={"last_name": "Virtanen", "email": "m@v.fi"})

    batch = run_import(
        seller, "people", [*PEOPLE, ["", "Virtanen", "m@v.fi", "040 123 4567", ""]], on_match="skip"
    )

    assert outcomes(batch) == [(2, "skipped")]
    assert Person.objects.get().phone == ""


def test_a_likely_duplicate_by_the_guard_is_skipped_and_reported_never_merged(seller, teammate):
    services.person_create(
        actor=teammate,
        values={"first_name": "Matti", "last_name": "Virtanen", "phone": "0401234567"},
    )

    batch = run_import(
        seller, "people", [*PEOPLE, ["Matti", "Virtanen", "uusi@virtanen.fi", "", ""]]
    )

    [row] = batch.rows.all()
    assert row.outcome == "duplicate"
    assert "Laura Tiimiläinen" in row.message
    assert row.cells == ["Matti", "Virtanen", "uusi@virtanen.fi", "", ""]
    assert Person.objects.count() == 1
    assert Person.objects.get().email == ""


def test_a_row_repeating_an_earlier_row_of_the_same_file_is_a_duplicate(seller):
    batch = run_import(
        seller,
        "people",
        [*PEOPLE, ["A", "Aalto", "a@a.fi", "", ""], ["A", "Aalto", "a@a.fi", "", ""]],
    )

    assert outcomes(batch) == [(2, "created"), (3, "duplicate")]


def test_re_running_the_same_file_creates_nothing_twice(seller):
    rows = [*PEOPLE, *[[f"N{n}", f"Nimi{n}", f"n{n}@x.fi", "", f"id{n}"] for n in range(30)]]

    first = run_import(seller, "people", rows)
    second = run_import(seller, "people", rows)

    assert first.created_count == 30
    assert (second.created_count, second.unchanged_count) == (0, 30)
    assert Person.objects.count() == 30


def test_source_ids_link_people_to_organizations_imported_from_an_earlier_file(seller):
    run_import(
        seller,
        "organizations",
        [["Asiakasnumero", "Nimi", "Y-tunnus"], ["A-100", "Pörssi Oy", "0112038-9"]],
    )
    organization = Organization.objects.get()
    assert ExternalId.objects.get().object_id == organization.pk

    batch = run_import(
        seller,
        "people",
        [["Tunniste", "Sukunimi", "Yrityksen tunnus", "Rooli"], ["H-1", "Laine", "A-100", "CFO"]],
    )

    person = Person.objects.get()
    assert outcomes(batch) == [(2, "created")]
    assert [(m.organization, m.role, m.is_primary) for m in person.memberships.all()] == [
        (organization, "CFO", True)
    ]


def test_a_reimport_finds_the_record_by_its_source_id_even_after_a_rename(seller):
    rows = [["ID", "Nimi"], ["A-100", "Pörssi Oy"]]
    run_import(seller, "organizations", rows)

    batch = run_import(seller, "organizations", [["ID", "Nimi"], ["A-100", "Pörssi Group Oy"]])

    assert outcomes(batch) == [(2, "updated")]
    assert list(Organization.objects.values_list("name", flat=True)) == ["Pörssi Group Oy"]


def test_it_does_not_update_a_record_the_importer_may_not_change(seller, outsider):
    services.organization_create(
        actor=outsider, values={"name": "Toisen Oy", "business_id": "0112038-9"}
    )

    batch = run_import(
        seller,
        "organizations",
        [["Nimi", "Y-tunnus", "Kaupunki"], ["Toisen Oy", "0112038-9", "Oulu"]],
    )

    [row] = batch.rows.all()
    assert row.outcome == "failed"
    assert "may not change" in row.message
    assert Organization.objects.get().city == ""


def test_a_failed_row_keeps_its_original_cells_and_the_reason(seller):
    batch = run_import(
        seller,
        "organizations",
        [["Nimi", "Y-tunnus", "Maa"], ["Pörssi Oy", "123", "Suomi"], ["Hyvä Oy", "", "Narnia"]],
    )

    rows = list(batch.rows.order_by("row_number"))
    assert [(r.outcome, r.cells) for r in rows] == [
        ("failed", ["Pörssi Oy", "123", "Suomi"]),
        ("failed", ["Hyvä Oy", "", "Narnia"]),
    ]
    assert "Business ID" in rows[0].message
    assert "Unknown country “Narnia”" in rows[1].message
    assert batch.failed_count == 2
    assert not Organization.objects.exists()


def test_a_dry_run_reports_everything_and_keeps_nothing(seller):
    batch = run_import(seller, "people", [*PEOPLE, ["A", "Aalto", "a@a.fi", "", "x"]], dry_run=True)

    assert batch.created_count == 1
    assert not Person.objects.exists()
    assert not ExternalId.objects.exists()


@pytest.mark.parametrize("kind", ["organizations", "people"])
def test_a_user_who_may_not_add_records_may_not_import(viewer, kind):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_import(viewer, kind, [["Nimi", "Sukunimi"], ["A", "B"]])


def test_it_imports_further_emails_and_phones_from_several_columns(seller):
    batch = run_import(
        seller,
        "people",
        [
            ["First Name", "Last Name", "E-mail Address", "E-mail 2 Address", "Home Phone",
             "Business Phone 2"],
            ["Anna", "Kallio", "anna@tyo.example", "Anna@Koti.example; vanha: x", "09 123 4567",
             "koti: 09 765 4321"],
            ["Ville", "Laine", "", "ville@koti.example", "", ""],
        ],
    )  # fmt: skip

    assert outcomes(batch) == [(2, "failed"), (3, "created")]
    assert "“vanha: x” is not a valid email address." in batch.rows.get(row_number=2).message
    ville = Person.objects.get(last_name="Laine")
    assert list(ville.contact_details.values_list("kind", "label", "value")) == [
        ("email", "other", "ville@koti.example")
    ]


def test_a_further_email_finds_the_record_to_update_and_adds_only_what_is_new(seller):
    person = services.person_create(
        actor=seller,
        values={
            "last_name": "Kallio",
            "email": "anna@tyo.example",
            "contact_details": [{"kind": "email", "label": "home", "value": "anna@koti.example"}],
        },
    )

    batch = run_import(
        seller,
        "people",
        [
            ["Last name", "Email", "More emails", "Home phone"],
            ["Kallio", "anna@koti.example", "anna@tyo.example", "09 123 4567"],
        ],
        match=["email"],
    )

    assert outcomes(batch) == [(2, "updated")]
    assert Person.objects.count() == 1
    assert sorted(person.contact_details.values_list("label", "value")) == [
        ("home", "+35891234567"),
        ("home", "anna@koti.example"),
    ]
    person.refresh_from_db()
    assert person.email == "anna@tyo.example", "a matched value does not replace the primary"


def test_the_guard_skips_a_row_whose_further_phone_belongs_to_someone(seller):
    services.person_create(actor=seller, values={"last_name": "Kallio", "mobile": "040 111 2222"})

    batch = run_import(
        seller,
        "people",
        [["Last name", "Email", "More phones"], ["Virta", "v@virta.example", "+358 40 111 2222"]],
    )

    assert outcomes(batch) == [(2, "duplicate")]


def test_a_namesake_in_another_organization_is_imported_not_held_back(seller):
    paja = Organization.objects.create(name="Paja Oy", name_folded="paja oy", owner=seller)
    Organization.objects.create(name="Valimo Oy", name_folded="valimo oy", owner=seller)
    existing = services.person_create(
        actor=seller, values={"first_name": "Matti", "last_name": "Virtanen"}
    )
    Membership.objects.create(person=existing, organization=paja)
    rows = [
        ["First name", "Last name", "Email", "Organization"],
        ["Matti", "Virtanen", "matti@valimo.fi", "Valimo Oy"],
        ["Matti", "Virtanen", "mv@paja.fi", "Paja Oy"],
        ["Matti", "Virtanen", "toinen@valimo.fi", "Valimo Oy"],
    ]

    batch = run_import(seller, "people", rows)

    # The same name in the same organization is still a likely duplicate, in the register or
    # earlier in the file; in another organization it is another person.
    assert outcomes(batch) == [(2, "created"), (3, "duplicate"), (4, "duplicate")]
    assert "Same as row 2" in batch.rows.get(row_number=4).message
    assert Person.objects.filter(name_folded="matti virtanen").count() == 2
