"""Importing opportunities: through the register's import framework, linked to the register,
with outcomes kept, re-imports updating, bad rows reported and undo."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from sampo.activities.models import Activity
from sampo.activities.services import activity_complete
from sampo.contacts import services as contacts
from sampo.contacts.imports import services as imports
from sampo.contacts.imports.models import ImportBatch
from sampo.contacts.imports.tasks import run_import as worker_run_import
from sampo.contacts.models import Organization
from sampo.contacts.tests.imports.support import csv_bytes, outcomes, run_import
from sampo.sales.models import Opportunity, StageChange

HEADERS = [
    "Tunniste",
    "Otsikko",
    "Y-tunnus",
    "Sähköposti",
    "Vaihe",
    "Arvo",
    "Vastuumyyjä",
    "Tila",
    "Suljettu",
    "Häviön syy",
    "Tunnisteet",
]


@pytest.fixture
def customer(seller):
    return contacts.organization_create(
        actor=seller, values={"name": "Pörssi Oy", "business_id": "0112038-9"}
    )


@pytest.fixture
def matti(seller, customer):
    return contacts.person_create(
        actor=seller,
        values={"first_name": "Matti", "last_name": "Virtanen", "email": "matti@porssi.fi"},
        organization=customer,
    )


def _import(actor, rows, **kwargs):
    return run_import(actor, "opportunities", [HEADERS, *rows], **kwargs)


def test_it_imports_opportunities_linked_by_business_id_and_email_in_their_stage(
    seller, pipeline, stages, customer, matti
):
    batch = _import(
        seller,
        [
            [
                "D-1",
                "Katon uusinta",
                "0112038-9",
                "Matti@Porssi.fi",
                "Tarjous",
                "12 500,50 €",
                "seller@sampo.test",
                "",
                "",
                "",
                "Katot; Kevät",
            ],
        ],
    )

    assert outcomes(batch) == [(2, "created")]
    deal = Opportunity.objects.get()
    assert (deal.organization, deal.person, deal.stage) == (customer, matti, stages[2])
    assert (deal.expected_revenue, deal.currency) == (Decimal("12500.50"), "EUR")
    assert deal.probability == stages[2].probability
    assert sorted(t.name for t in deal.tags.all()) == ["Katot", "Kevät"]
    assert list(
        StageChange.objects.filter(opportunity=deal).values_list("to_stage", flat=True)
    ) == [stages[2].pk]


def deal_organization():
    return Organization.objects.get(name="Kallio Rakennus Oy")


def test_it_links_by_source_ids_of_the_same_source_and_organizations_by_name(seller, pipeline):
    run_import(seller, "organizations", [["Asiakasnumero", "Nimi"], ["A-1", "Kallio Rakennus Oy"]])
    run_import(
        seller,
        "people",
        [["Contact id", "Etunimi", "Sukunimi", "Yritys ID"], ["H-1", "Liisa", "Kallio", "A-1"]],
    )

    batch = run_import(
        seller,
        "opportunities",
        [
            ["Deal id", "Title", "Organization id", "Contact id", "Company"],
            ["D-1", "Piharemontti", "A-1", "H-1", ""],
            ["D-2", "Unknown link", "A-404", "", ""],
            ["D-3", "Typed company", "", "", "Uusi Asiakas Oy"],
            ["D-4", "By name", "", "", "kallio rakennus oy"],
        ],
    )

    assert outcomes(batch) == [(2, "created"), (3, "failed"), (4, "created"), (5, "created")]
    assert Opportunity.objects.get(title="By name").organization == deal_organization()
    deal = Opportunity.objects.get(title="Piharemontti")
    assert deal.organization is not None
    assert deal.person is not None
    assert (deal.organization.name, deal.person.full_name) == ("Kallio Rakennus Oy", "Liisa Kallio")
    assert "A-404" in batch.rows.get(row_number=3).message
    typed = Opportunity.objects.get(title="Typed company")
    assert (typed.organization, typed.company_name) == (None, "Uusi Asiakas Oy")


def test_it_keeps_won_and_lost_with_their_dates_and_reasons_in_any_language(
    seller, pipeline, stages, customer
):
    batch = _import(
        seller,
        [
            [
                "D-1",
                "Voitettu kauppa",
                "",
                "",
                "Neuvottelu",
                "5000",
                "",
                "voitettu",
                "15.3.2026",
                "",
                "",
            ],
            [
                "D-2",
                "Menetetty kauppa",
                "",
                "",
                "Proposal",
                "HUF 1.250.000",
                "",
                "lost",
                "2026-04-01",
                "Hinta",
                "",
            ],
            ["D-3", "Elvesztett", "", "", "Tárgyalás", "", "", "menetetty", "", "Ár", ""],
        ],
    )

    assert outcomes(batch) == [(2, "created"), (3, "created"), (4, "created")]
    won = Opportunity.objects.get(title="Voitettu kauppa")
    assert (won.status, won.closed_on, won.stage) == ("won", datetime.date(2026, 3, 15), stages[3])
    lost = Opportunity.objects.get(title="Menetetty kauppa")
    assert lost.lost_reason is not None
    assert (lost.status, lost.closed_on, lost.lost_reason.code) == (
        "lost",
        datetime.date(2026, 4, 1),
        "price",
    )
    assert (lost.expected_revenue, lost.currency) == (Decimal("1250000"), "HUF")
    third = Opportunity.objects.get(title="Elvesztett")
    assert third.lost_reason is not None
    assert (third.stage, third.lost_reason.code, third.closed_on) == (
        stages[3],
        "price",
        timezone.localdate(),
    )


def test_a_postponed_row_plans_its_follow_up(seller, pipeline):
    until = timezone.localdate() + datetime.timedelta(days=180)

    batch = run_import(
        seller,
        "opportunities",
        [["Title", "Status", "Postponed until"], ["Ensi syksynä", "postponed", until.isoformat()]],
    )

    assert outcomes(batch) == [(2, "created")]
    deal = Opportunity.objects.get()
    assert (deal.status, deal.postponed_until) == ("postponed", until)
    follow_up = Activity.objects.get(regarding_id=deal.pk)
    assert follow_up.status == Activity.Status.PLANNED


def test_a_re_import_updates_by_source_id_instead_of_duplicating(
    seller, pipeline, stages, customer
):
    row = ["D-1", "Katon uusinta", "0112038-9", "", "Tarjous", "12500", "", "", "", "", ""]
    _import(seller, [row])
    deal = Opportunity.objects.get()

    again = _import(seller, [row])
    assert outcomes(again) == [(2, "unchanged")]
    assert StageChange.objects.filter(opportunity=deal).count() == 1

    moved = [*row[:4], "Neuvottelu", "13000", "", "won", "1.6.2026", "", ""]
    third = _import(seller, [moved])

    assert outcomes(third) == [(2, "updated")]
    assert Opportunity.objects.count() == 1
    deal.refresh_from_db()
    assert (deal.stage, deal.expected_revenue, deal.status, deal.closed_on) == (
        stages[3],
        Decimal("13000"),
        "won",
        datetime.date(2026, 6, 1),
    )
    assert list(
        StageChange.objects.filter(opportunity=deal).values_list("from_stage", "to_stage")
    ) == [(None, stages[2].pk), (stages[2].pk, stages[3].pk)]


def test_bad_rows_fail_alone_with_their_reason(seller, pipeline, customer):
    batch = _import(
        seller,
        [
            ["D-1", "Fine", "", "", "", "", "", "", "", "", ""],
            ["D-2", "No such stage", "", "", "Closing", "", "", "", "", "", ""],
            ["D-3", "Lost for nothing", "", "", "", "", "", "lost", "", "", ""],
            ["D-4", "Nobody", "", "nobody@example.com", "", "", "", "", "", "", ""],
            ["D-5", "Bad value", "", "", "", "lots", "", "", "", "", ""],
            ["D-6", "", "0112038-9", "", "", "", "", "", "", "", ""],
            ["D-7", "Unknown reason", "", "", "", "", "", "lost", "", "Weather", ""],
        ],
    )

    assert outcomes(batch) == [
        (2, "created"),
        (3, "failed"),
        (4, "failed"),
        (5, "failed"),
        (6, "failed"),
        (7, "failed"),
        (8, "failed"),
    ]
    messages = dict(batch.rows.values_list("row_number", "message"))
    assert "no stage “Closing”" in messages[3]
    assert "lost reason" in messages[4]
    assert "nobody@example.com" in messages[5]
    assert "not an amount" in messages[6]
    assert "title" in messages[7]
    assert "Weather" in messages[8]
    assert Opportunity.objects.count() == 1
    assert batch.failed_count == 6
    headers, rows = imports.failed_rows(batch)
    first, *_others = list(rows)  # read to the end: a server-side cursor on PostgreSQL
    assert first[:2] == ["D-2", "No such stage"]
    assert first[headers.index("Error")] == messages[3]


def test_undo_trashes_the_created_and_restores_the_updated(admin, seller, pipeline, stages):
    first = _import(seller, [["D-1", "Old deal", "", "", "Tarjous", "100", "", "", "", "", ""]])
    old = Opportunity.objects.get()
    batch = _import(
        seller,
        [
            ["D-1", "Old deal", "", "", "Neuvottelu", "200", "", "", "", "", "Uusi"],
            ["D-2", "New deal", "", "", "", "", "", "", "", "", ""],
        ],
    )
    assert first.created_count == 1

    result = imports.import_undo(actor=admin, batch=batch)

    assert (result.trashed, result.restored) == (1, 1)
    assert not Opportunity.objects.filter(title="New deal").exists()
    assert Opportunity.all_objects.filter(title="New deal").exists()
    old.refresh_from_db()
    assert (old.stage, old.expected_revenue) == (stages[2], Decimal("100.00"))
    assert not old.tags.exists()
    assert StageChange.objects.filter(opportunity=old).latest("id").to_stage == stages[2]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE


def test_a_user_who_may_not_sell_cannot_import_opportunities(viewer, pipeline):
    with pytest.raises(PermissionDenied):
        run_import(viewer, "opportunities", [["Title"], ["x"]])


def test_the_wizard_guesses_the_columns_previews_and_runs_on_the_worker(
    client, seller, pipeline, stages, customer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(seller)
    content = csv_bytes(
        [
            ["ID", "Címe", "Adószám", "Szakasz", "Érték", "Állapot", "Elvesztés oka"],
            ["D-1", "Tetőfelújítás", "0112038-9", "Ajánlat", "3 000 000 Ft", "", ""],
            ["D-2", "Elvesztett", "", "Ajánlat", "", "elveszett", ""],
        ]
    )

    listed = client.get("/sales/opportunities/").content.decode()
    assert "/imports/new/?kind=opportunities" in listed
    chosen = client.get("/imports/new/", {"kind": "opportunities"}).context["form"]
    assert chosen["kind"].value() == "opportunities"
    upload = SimpleUploadedFile("lehetosegek.csv", content, content_type="text/csv")
    response = client.post("/imports/new/", {"kind": "opportunities", "file": upload})

    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/imports/{batch.pk}/mapping/"
    form = client.get(f"/imports/{batch.pk}/mapping/").context["form"]
    guessed = [form[f"column_{n}"].value() for n in range(7)]
    assert guessed == [
        "source_id",
        "",
        "organization_business_id",
        "stage",
        "expected_revenue",
        "status",
        "lost_reason",
    ]
    mapping = {f"column_{n}": target for n, target in enumerate(guessed)}
    mapping["column_1"] = "title"
    mapping |= {"match": ["source_id"], "on_match": "update", "source": "Excel"}
    assert client.post(f"/imports/{batch.pk}/mapping/", mapping).status_code == 302
    preview = client.get(f"/imports/{batch.pk}/preview/")
    assert [r.outcome for r, _cells in preview.context["rows"]] == ["created", "failed"]
    assert not Opportunity.objects.exists(), "the preview saves nothing"

    imports.import_start(actor=seller, batch=batch)
    worker_run_import(batch.pk)

    deal = Opportunity.objects.get()
    assert (deal.title, deal.organization, deal.stage) == ("Tetőfelújítás", customer, stages[2])
    assert (deal.expected_revenue, deal.currency) == (Decimal("3000000"), "HUF")
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert 'data-count="created">1<' in page
    assert 'data-count="failed">1<' in page


def test_the_command_line_imports_with_a_mapping_and_a_dry_run(
    seller, pipeline, stages, tmp_path, capsys
):
    path = tmp_path / "deals.csv"
    path.write_bytes(
        csv_bytes([["Deal", "Phase", "Value"], ["Katto", "Proposal", "100"], ["", "x", "1"]])
    )

    with pytest.raises(SystemExit) as exit_:
        call_command(
            "import",
            "opportunities",
            str(path),
            "--as",
            seller.email,
            "--mapping",
            "Deal=title",
            "--dry-run",
        )

    assert exit_.value.code == 2  # a row failed
    out = capsys.readouterr()
    assert "Dry run, nothing saved: 2 rows of opportunities" in out.out
    assert "created:              1" in out.out
    assert "2/2 rows" in out.err
    assert not Opportunity.objects.exists()

    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "import",
            "opportunities",
            str(path),
            "--as",
            seller.email,
            "--mapping",
            "Deal=title",
            stdout=out,
            stderr=io.StringIO(),
        )
    deal = Opportunity.objects.get()
    assert (deal.title, deal.stage, deal.expected_revenue) == ("Katto", stages[2], Decimal("100"))
    assert "row 3: Failed: The pipeline “Sales” has no stage “x”." in out.getvalue()


def test_in_a_pipeline_that_starts_with_leads_a_row_without_a_stage_is_a_lead(seller, pipeline):
    pipeline.uses_leads = True
    pipeline.save(update_fields=["uses_leads"])

    run_import(
        seller,
        "opportunities",
        [["Title", "Stage"], ["Messulta", ""], ["Jo tarjottu", "Proposal"]],
    )

    kinds = dict(Opportunity.objects.values_list("title", "kind"))
    assert kinds == {"Messulta": "lead", "Jo tarjottu": "opportunity"}


def test_undo_cancels_the_follow_ups_the_import_planned_for_postponed_rows(admin, seller, pipeline):
    until = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    headers = ["Tunniste", "Otsikko", "Tila", "Postponed until"]
    run_import(seller, "opportunities", [headers, ["P-1", "Open deal", "open", ""]])
    existing = Opportunity.objects.get()
    before = Activity.objects.count()
    batch = run_import(
        seller,
        "opportunities",
        [
            headers,
            ["P-1", "Open deal", "postponed", until],
            ["P-2", "New deal", "postponed", until],
        ],
        match=["source_id"],
    )
    follow_ups = list(Activity.objects.filter(status=Activity.Status.PLANNED).order_by("pk"))
    assert Activity.objects.count() == before + 2

    imports.import_undo(actor=admin, batch=batch)

    assert [a.regarding_id for a in follow_ups] == [
        existing.pk,
        Opportunity.all_objects.get(title="New deal").pk,
    ]
    for follow_up in follow_ups:
        follow_up.refresh_from_db()
        assert follow_up.status == Activity.Status.CANCELLED
    existing.refresh_from_db()
    assert (existing.status, existing.postponed_until) == ("open", None)


def test_undo_leaves_a_follow_up_that_was_done_since(admin, seller, pipeline):
    until = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    batch = run_import(
        seller,
        "opportunities",
        [["Title", "Status", "Postponed until"], ["Later", "postponed", until]],
    )
    follow_up = Activity.objects.get()
    activity_complete(actor=seller, activity=follow_up)

    imports.import_undo(actor=admin, batch=batch)

    follow_up.refresh_from_db()
    assert follow_up.status == Activity.Status.DONE


def _deals(count: int, start: int = 0) -> list[list[str]]:
    return [
        [
            f"Q-{n}",
            f"Kauppa {n}",
            "0112038-9",
            "matti@porssi.fi",
            "Tarjous",
            "1000",
            "seller@sampo.test",
            "",
            "",
            "",
            "Katot",
        ]
        for n in range(start, start + count)
    ]


def test_it_imports_ten_new_opportunities_with_the_queries_of_one(seller, pipeline, matti):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _import(seller, _deals(1, start=500))  # warms the caches, creates the tag
    with CaptureQueriesContext(connection) as one:
        _import(seller, _deals(1))
    with CaptureQueriesContext(connection) as ten:
        batch = _import(seller, _deals(10, start=100))

    assert batch.created_count == 10
    assert len(ten) == len(one)
    assert StageChange.objects.filter(opportunity__title="Kauppa 105").count() == 1


def test_a_bulk_created_opportunity_has_the_history_the_services_write(
    seller, pipeline, stages, customer, matti
):
    from sampo.core.models import HistoryEntry
    from sampo.sales import services

    _import(seller, _deals(1))
    imported = Opportunity.objects.get()
    by_hand = services.opportunity_create(
        actor=seller,
        values={
            "title": "Kauppa 0",
            "organization": customer,
            "person": matti,
            "stage": stages[2],
            "expected_revenue": Decimal("1000"),
            "owner": seller,
            "tags": list(imported.tags.all()),
            "kind": Opportunity.Kind.OPPORTUNITY,
        },
    )

    def entry(opportunity):
        found = HistoryEntry.objects.get(
            content_type__model="opportunity", object_id=str(opportunity.pk), action="created"
        )
        return found.changes, found.actor

    assert entry(imported) == entry(by_hand)
    change = StageChange.objects.get(opportunity=imported)
    assert (change.from_stage, change.to_stage, change.to_label, change.changed_by) == (
        None,
        stages[2],
        stages[2].name,
        seller,
    )


def test_a_source_id_repeated_in_one_file_is_created_once(seller, pipeline, matti):
    batch = _import(seller, [*_deals(1), *_deals(1)])

    assert outcomes(batch) == [(2, "created"), (3, "duplicate")]
    assert "2" in batch.rows.get(row_number=3).message
    assert Opportunity.objects.count() == 1
