from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
import vobject
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from sampo.contacts import services
from sampo.contacts.models import Industry, RelationshipType, Tag

EXPORTS = [
    "/organizations/export.csv",
    "/organizations/export.xlsx",
    "/people/export.csv",
    "/people/export.xlsx",
    "/people/export.vcf",
]
BOM = b"\xef\xbb\xbf"


def _content(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _table(response) -> list[list]:
    """Any spreadsheet export as rows of cells, header first (empty cells as "")."""
    content = _content(response)
    if response["Content-Type"].startswith("text/csv"):
        assert content.startswith(BOM)
        text = io.StringIO(content.decode("utf-8-sig"), newline="")
        return list(csv.reader(text, delimiter=";"))
    sheet = load_workbook(io.BytesIO(content)).active
    return [[c if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]


def _cards(response) -> list:
    assert response["Content-Type"] == "text/vcard; charset=utf-8"
    return list(vobject.readComponents(_content(response).decode()))


def _column(rows: list[list], index: int = 0) -> list:
    return [row[index] for row in rows[1:]]


@pytest.fixture
def customer(db):
    return RelationshipType.objects.get(code="customer")


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_an_organization_export_holds_exactly_the_rows_of_the_filtered_list(
    client, seller, teammate, customer, extension
):
    for name, city, owner in [
        ("Alku Oy", "Tampere", seller),
        ("Bitti Oy", "Tampere", seller),
        ("Cesium Oy", "Helsinki", seller),
        ("Delta Oy", "Tampere", teammate),
    ]:
        services.organization_create(
            actor=owner, values={"name": name, "city": city, "relationship_types": [customer]}
        )
    services.organization_create(actor=seller, values={"name": "Eka Oy", "city": "Tampere"})
    client.force_login(seller)
    filters = {"city": "tampere", "relationship": customer.pk, "owner": seller.pk, "sort": "-name"}

    listed = [o.name for o in client.get("/organizations/", filters).context["page"].rows]
    exported = _column(_table(client.get(f"/organizations/export.{extension}", filters)))

    assert exported == listed == ["Bitti Oy", "Alku Oy"]


@pytest.mark.parametrize("extension", ["csv", "xlsx", "vcf"])
def test_a_person_export_holds_exactly_the_rows_of_the_filtered_list(client, seller, extension):
    vip = Tag.objects.create(name="VIP")
    services.person_create(actor=seller, values={"last_name": "Korhonen", "tags": [vip]})
    services.person_create(actor=seller, values={"last_name": "Koskinen", "tags": [vip]})
    services.person_create(actor=seller, values={"last_name": "Korpela"})
    services.person_create(actor=seller, values={"last_name": "Mäkinen", "tags": [vip]})
    client.force_login(seller)
    filters = {"q": "kor", "tag": vip.pk}

    listed = [p.last_name for p in client.get("/people/", filters).context["page"].rows]
    response = client.get(f"/people/export.{extension}", filters)
    if extension == "vcf":
        exported = [card.n.value.family for card in _cards(response)]
    else:
        exported = _column(_table(response), 1)

    assert exported == listed == ["Korhonen"]


def test_the_export_is_written_in_the_readers_language(client, seller, customer):
    seller.language = "fi"
    seller.save(update_fields=["language"])
    vip = Tag.objects.create(name="VIP")
    services.organization_create(
        actor=seller,
        values={
            "name": "Ohjelmisto Oy",
            "country": "FI",
            "relationship_types": [customer],
            "industry": Industry.objects.get(code="62"),
            "tags": [vip],
        },
    )
    client.force_login(seller)

    header, row = _table(client.get("/organizations/export.csv"))

    assert header[:6] == [
        "Nimi",
        "Yritystunnus",
        "Suhde",
        "Toimialakoodi",
        "Toimiala",
        "Vastuuhenkilö",
    ]
    assert header[-2:] == ["Luotu", "Muutettu viimeksi"]
    values = dict(zip(header, row, strict=True))
    assert values["Suhde"] == "Asiakas"
    assert values["Toimiala"] == "Ohjelmistot, konsultointi ja siihen liittyvä toiminta"
    assert values["Maa"] == "Suomi"
    assert values["Tunnisteet"] == "VIP"


def test_the_xlsx_opens_with_one_row_per_record_and_real_dates(client, seller, organization):
    seller.language = "fi"
    seller.save(update_fields=["language"])
    client.force_login(seller)

    response = client.get("/organizations/export.xlsx")

    sheet = load_workbook(io.BytesIO(_content(response))).active
    assert sheet.title == "Organisaatiot"
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    assert rows[0][:2] == ("Rakennus Virtanen Oy", "0112038-9")
    created = rows[0][-2]
    assert isinstance(created, datetime)
    assert created == timezone.localtime(organization.created_at).replace(
        tzinfo=None, microsecond=0
    )


def test_phones_read_as_the_list_shows_them_and_a_foreign_one_is_neutralized(client, seller):
    services.person_create(
        actor=seller,
        values={"last_name": "Kallio", "phone": "03 1234 5678", "mobile": "+36 30 123 4567"},
    )
    client.force_login(seller)

    header, row = _table(client.get("/people/export.csv"))
    values = dict(zip(header, row, strict=True))

    assert values["Phone"] == "03 12345678"
    assert values["Mobile"] == "'+36 30 123 4567"


def test_a_csv_download_is_named_by_list_and_date(client, seller, organization):
    client.force_login(seller)

    response = client.get("/organizations/export.csv")

    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="organizations-{today}.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize("path", EXPORTS)
def test_an_export_needs_the_same_queries_for_one_row_and_fifty(client, seller, path):
    tag = Tag.objects.create(name="Messut")

    def add(n: int) -> None:
        organization = services.organization_create(
            actor=seller, values={"name": f"Yritys {n} Oy", "tags": [tag]}
        )
        services.person_create(
            actor=seller,
            values={"last_name": f"Henkilö {n}", "tags": [tag]},
            organization=organization,
        )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _content(client.get(path))
        return len(captured)

    add(0)
    client.force_login(seller)
    one = queries()
    for n in range(1, 50):
        add(n)

    assert queries() == one


def test_the_vcard_export_parses_back_with_names_emails_and_phones(client, seller, organization):
    services.person_create(
        actor=seller,
        values={
            "first_name": "Eszter",
            "last_name": "Nagy",
            "email": "eszter@duna.example",
            "mobile": "+36 30 123 4567",
            "country": "HU",
        },
    )
    services.person_create(
        actor=seller,
        values={
            "first_name": "Matti",
            "last_name": "Virtanen",
            "job_title": "Toimitusjohtaja",
            "phone": "03 1234 5678",
        },
        organization=organization,
    )
    client.force_login(seller)

    nagy, virtanen = _cards(client.get("/people/export.vcf"))

    assert (nagy.n.value.family, nagy.n.value.given, nagy.fn.value) == (
        "Nagy",
        "Eszter",
        "Nagy Eszter",
    )
    assert nagy.email.value == "eszter@duna.example"
    assert [(t.params["TYPE"], t.value) for t in nagy.contents["tel"]] == [
        (["cell"], "tel:+36301234567")
    ]
    assert virtanen.fn.value == "Matti Virtanen"
    assert virtanen.org.value == ["Rakennus Virtanen Oy"]
    assert virtanen.title.value == "Toimitusjohtaja"
    assert [(t.params["TYPE"], t.value) for t in virtanen.contents["tel"]] == [
        (["work"], "tel:+358312345678")
    ]


def test_one_persons_vcard_names_their_primary_organization(client, seller, organization):
    other = services.organization_create(actor=seller, values={"name": "Toinen Oy"})
    person = services.person_create(
        actor=seller, values={"first_name": "Liisa", "last_name": "Ström"}, organization=other
    )
    services.membership_add(actor=seller, person=person, organization=organization, is_primary=True)
    client.force_login(seller)

    response = client.get(f"/people/{person.pk}/vcard.vcf")

    (card,) = _cards(response)
    assert card.org.value == ["Rakennus Virtanen Oy"]
    assert card.fn.value == "Liisa Ström"
    assert response["Content-Disposition"] == 'attachment; filename="liisa-strom.vcf"'


def test_the_person_page_offers_the_vcard(client, viewer, seller):
    person = services.person_create(actor=seller, values={"last_name": "Salo"})
    client.force_login(viewer)

    page = client.get(f"/people/{person.pk}/").content.decode()

    assert f'href="/people/{person.pk}/vcard.vcf"' in page


def test_markup_is_exported_as_plain_text_and_formulas_are_neutralized(client, seller):
    script = "<script>alert(1)</script>"
    formula = '=HYPERLINK("http://evil.example","Avaa")'
    services.organization_create(actor=seller, values={"name": script, "city": formula})
    services.person_create(actor=seller, values={"first_name": formula, "last_name": script})
    client.force_login(seller)

    for path in ("/organizations/export.csv", "/organizations/export.xlsx"):
        response = client.get(path)
        header, row = _table(response)
        values = dict(zip(header, row, strict=True))
        assert (values["Name"], values["City"]) == (script, f"'{formula}")
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
    for path in ("/people/export.csv", "/people/export.xlsx"):
        header, row = _table(client.get(path))
        assert row[:2] == [f"'{formula}", script]
    (card,) = _cards(client.get("/people/export.vcf"))
    assert card.n.value.family == script


def test_records_in_the_trash_are_not_exported(client, seller, organization):
    gone = services.organization_create(actor=seller, values={"name": "Poistettu Oy"})
    services.person_create(actor=seller, values={"last_name": "Lehto"}, organization=gone)
    trashed = services.person_create(actor=seller, values={"last_name": "Laine"})
    services.organization_trash(actor=seller, organization=gone)
    services.person_trash(actor=seller, person=trashed)
    client.force_login(seller)

    organizations = _table(client.get("/organizations/export.csv"))
    people = _table(client.get("/people/export.csv"))

    assert _column(organizations) == ["Rakennus Virtanen Oy"]
    assert [(row[1], row[3]) for row in people[1:]] == [("Lehto", "")]


@pytest.mark.parametrize("path", [*EXPORTS, "/people/1/vcard.vcf"])
def test_an_anonymous_visitor_is_sent_to_log_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


def test_a_deactivated_user_can_no_longer_export(client, seller, organization):
    client.force_login(seller)
    seller.is_active = False
    seller.save(update_fields=["is_active"])

    response = client.get("/organizations/export.csv")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_export_menu_carries_the_lists_filters_but_not_its_page(client, seller, customer):
    client.force_login(seller)

    page = client.get("/organizations/", {"city": "Turku", "relationship": customer.pk, "page": 2})
    html = page.content.decode()

    links = re.findall(r'href="(/organizations/export\.[a-z]+[^"]*)"', html)
    query = f"?city=Turku&amp;relationship={customer.pk}"
    assert links == [f"/organizations/export.csv{query}", f"/organizations/export.xlsx{query}"]


def test_the_export_menu_follows_a_filter_changed_in_place(client, seller):
    client.force_login(seller)

    rows = client.get("/people/", {"q": "kallio"}, headers={"HX-Request": "true"})
    html = rows.content.decode()

    assert 'id="export-menu" hx-swap-oob="true"' in html
    assert 'href="/people/export.vcf?q=kallio"' in html


def _further_person(seller):
    return services.person_create(
        actor=seller,
        values={
            "first_name": "Anna",
            "last_name": "Kallio",
            "email": "anna@tyo.example",
            "mobile": "040 111 2222",
            "contact_details": [
                {"kind": "email", "label": "home", "value": "anna@koti.example"},
                {"kind": "phone", "label": "home", "value": "09 123 4567"},
                {"kind": "phone", "label": "other", "value": "+36 1 234 5678"},
            ],
        },
    )


def test_the_csv_export_holds_the_further_emails_and_phones_with_their_labels(client, seller):
    _further_person(seller)
    client.force_login(seller)

    content = _content(client.get("/people/export.csv")).decode("utf-8-sig")

    (row,) = csv.DictReader(io.StringIO(content), delimiter=";")
    assert row["Email"] == "anna@tyo.example"
    assert row["More emails"] == "home: anna@koti.example"
    assert row["More phones"] == "home: 09 1234567; other: +36 1 234 5678"


def test_the_vcard_export_writes_every_email_and_phone_the_primary_ones_preferred(client, seller):
    _further_person(seller)
    client.force_login(seller)

    (card,) = _cards(client.get("/people/export.vcf"))

    emails = [(e.value, e.params.get("TYPE"), e.params.get("PREF")) for e in card.contents["email"]]
    phones = [(t.value, t.params.get("TYPE"), t.params.get("PREF")) for t in card.contents["tel"]]
    assert emails == [("anna@tyo.example", None, ["1"]), ("anna@koti.example", ["home"], None)]
    assert phones == [
        ("tel:+358401112222", ["cell"], ["1"]),
        ("tel:+35891234567", ["home"], None),
        ("tel:+3612345678", None, None),
    ]
