"""Custom fields on organizations and people: forms, the record's page, history, list
columns and filters."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sampo.contacts import services
from sampo.contacts.models import Organization, Person
from sampo.core.custom_fields import services as field_services
from sampo.core.models import CustomField, HistoryEntry


@pytest.fixture
def fields(admin):
    def make(label, kind, record_type="organization", **options):
        return field_services.custom_field_create(
            actor=admin, record_type_key=record_type, label=label, kind=kind, **options
        )

    return {
        "tier": make("Tier", "choice", new_choices=["Gold", "Silver", "Bronze"]),
        "regions": make("Regions", "multi_choice", new_choices=["North", "South", "East"]),
        "budget": make("Budget", "money", currency="EUR"),
        "seats": make("Seats", "number"),
        "renewal": make("Renewal", "date"),
        "partner": make("Signed partner", "yes_no"),
        "motto": make("Motto", "text"),
    }


def _org(actor, name, **custom):
    return services.organization_create(
        actor=actor, values={"name": name, "custom": custom}, allow_duplicate=True
    )


def _speak(user, language):
    user.language = language
    user.save(update_fields=["language"])


def _form(name="Kuusi Oy", **extra):
    return {"name": name, "owner": "", "country": "FI", **extra}


def test_the_form_saves_typed_values_under_the_fields_codes(client, seller, fields):
    _speak(seller, "fi")
    client.force_login(seller)

    response = client.post(
        "/organizations/new/",
        _form(
            owner=seller.pk,
            cf_tier="gold",
            cf_regions=["north", "east"],
            cf_budget_0="12 500,50",
            cf_budget_1="EUR",
            cf_seats="40",
            cf_renewal="2027-03-31",
            cf_signed_partner="on",
            cf_motto="  Rakennamme  ",
        ),
    )

    assert response.status_code == 302, response.context["form"].errors
    organization = Organization.objects.get(name="Kuusi Oy")
    assert organization.custom == {
        "tier": "gold",
        "regions": ["north", "east"],
        "budget": {"amount": "12500.50", "currency": "EUR"},
        "seats": "40",
        "renewal": "2027-03-31",
        "signed_partner": True,
        "motto": "Rakennamme",
    }


def test_bad_values_get_translated_errors_and_nothing_is_saved(client, seller, fields):
    _speak(seller, "fi")
    client.force_login(seller)

    response = client.post(
        "/organizations/new/",
        _form(owner=seller.pk, cf_tier="platinum", cf_seats="many", cf_renewal="31.2.2027"),
    )

    assert set(response.context["form"].errors) == {"cf_tier", "cf_seats", "cf_renewal"}
    assert "Syötä luku." in response.content.decode()
    assert not Organization.objects.exists()


def test_a_required_field_must_be_filled_in(client, admin, seller):
    field_services.custom_field_create(
        actor=admin, record_type_key="person", label="Shoe size", kind="number", required=True
    )
    client.force_login(seller)

    response = client.post("/people/new/", {"last_name": "Virtanen", "owner": seller.pk})

    assert "cf_shoe_size" in response.context["form"].errors
    assert not Person.objects.exists()


def test_editing_keeps_the_values_of_archived_fields(client, admin, seller, fields):
    organization = _org(seller, "Kuusi Oy", motto="Old", seats="3")
    field_services.custom_field_archive(actor=admin, field=fields["motto"], archived=True)
    client.force_login(seller)
    form = client.get(f"/organizations/{organization.pk}/edit/").context["form"]
    assert "cf_motto" not in form.fields
    assert form.initial["cf_seats"] == Decimal("3")

    client.post(
        f"/organizations/{organization.pk}/edit/",
        _form(owner=seller.pk, version=organization.version, cf_seats="4"),
    )

    organization.refresh_from_db()
    # An unticked yes-or-no box is a "no".
    assert organization.custom == {"motto": "Old", "seats": "4", "signed_partner": False}


def test_an_archived_choice_stays_on_a_record_and_can_be_saved_again(client, admin, seller, fields):
    tier = fields["tier"]
    organization = _org(seller, "Kuusi Oy", tier="bronze")
    choices = [{**c, "archived": c["key"] == "bronze"} for c in tier.choices]
    field_services.custom_field_update(actor=admin, field=tier, label="Tier", choices=choices)
    client.force_login(seller)

    new_form = client.get("/organizations/new/").context["form"]
    edit_form = client.get(f"/organizations/{organization.pk}/edit/").context["form"]

    assert "bronze" not in dict(new_form.fields["cf_tier"].choices)
    assert "bronze" in dict(edit_form.fields["cf_tier"].choices)


def test_the_service_refuses_a_value_of_the_wrong_shape(seller, fields):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        _org(seller, "Kuusi Oy", tier="platinum")

    assert "cf_tier" in error.value.error_dict
    assert not Organization.objects.exists()


def test_the_detail_page_shows_the_values_in_the_readers_language(client, seller, fields):
    _speak(seller, "fi")
    organization = _org(
        seller,
        "Kuusi Oy",
        tier="gold",
        budget={"amount": "12500.50", "currency": "EUR"},
        signed_partner=True,
        renewal="2027-03-31",
        motto="<b>bold</b>",
    )
    client.force_login(seller)

    html = client.get(f"/organizations/{organization.pk}/").content.decode()

    assert "Gold" in html
    assert "12\xa0500,50\xa0€" in html
    assert "31.3.2027" in html
    assert "kyllä" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_changes_to_custom_fields_are_in_the_history_with_their_labels(client, seller, fields):
    organization = _org(seller, "Kuusi Oy", tier="gold")
    services.organization_update(
        actor=seller,
        organization=organization,
        values={"custom": {"tier": "silver", "seats": "12"}},
        expected_version=None,
    )
    entry = HistoryEntry.objects.filter(action="changed").get()
    assert {c["field"]: (c["old_label"], c["new_label"]) for c in entry.changes} == {
        "custom.tier": ("Gold", "Silver"),
        "custom.seats": ("", "12"),
    }
    client.force_login(seller)

    html = client.get(f"/organizations/{organization.pk}/").content.decode()

    assert '<th scope="row">Tier</th>' in html


# --- Lists: columns -------------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


ALL_ORGANIZATION_COLUMNS = (
    "name,relationship,city,business_id,owner,industry,email,phone,website,country,tags,"
    "updated,created,cf_tier,cf_regions,cf_budget,cf_seats,cf_renewal,cf_signed_partner,cf_motto"
)


@pytest.mark.parametrize("columns", ["", ALL_ORGANIZATION_COLUMNS])
def test_the_organization_list_needs_the_same_queries_for_one_row_and_fifty_whatever_columns(
    client, seller, fields, columns
):
    _org(seller, "First Oy", tier="gold", seats="3")
    client.force_login(seller)
    path = f"/organizations/?columns={columns}"
    one = _queries(client, path)
    for n in range(50):
        _org(seller, f"Company {n} Oy", tier="silver", regions=["north"], seats=str(n))

    assert _queries(client, path) == one


def test_the_person_list_needs_the_same_queries_for_one_row_and_fifty_whatever_columns(
    client, seller, organization, admin
):
    field_services.custom_field_create(
        actor=admin, record_type_key="person", label="Shoe size", kind="number"
    )
    columns = "name,organization,email,phone,owner,job_title,mobile,city,country,language,tags,"
    path = f"/people/?columns={columns}updated,created,cf_shoe_size"
    services.person_create(actor=seller, values={"last_name": "First"}, organization=organization)
    client.force_login(seller)
    one = _queries(client, path)
    for n in range(50):
        services.person_create(
            actor=seller,
            values={"last_name": f"Person {n}", "custom": {"shoe_size": "42"}},
            organization=organization,
            allow_duplicate=True,
        )

    assert _queries(client, path) == one


def test_the_url_chooses_the_columns_and_their_order(client, seller, fields):
    _speak(seller, "fi")
    _org(seller, "Kuusi Oy", tier="gold", seats="1200")
    client.force_login(seller)

    response = client.get("/organizations/?columns=cf_seats,city,cf_tier,bogus")

    assert [c.key for c in response.context["columns"]] == ["name", "cf_seats", "city", "cf_tier"]
    html = response.content.decode()
    assert html.index('data-column="cf_seats"') < html.index('data-column="cf_tier"')
    assert "1\xa0200" in html
    assert "Gold" in html


def test_the_chosen_columns_are_kept_for_the_user_and_go_into_the_url(
    client, seller, teammate, fields
):
    client.force_login(seller)

    response = client.post(
        "/organizations/columns/",
        {"columns": ["cf_tier", "owner"], "query": "q=kuusi&page=3&columns=city"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/organizations/?q=kuusi&columns=name%2Ccf_tier%2Cowner"
    keys = [c.key for c in client.get("/organizations/").context["columns"]]
    assert keys == ["name", "cf_tier", "owner"]
    client.force_login(teammate)
    keys = [c.key for c in client.get("/organizations/").context["columns"]]
    assert keys == ["name", "relationship", "city", "business_id", "owner"]


def test_default_columns_come_back_on_reset(client, seller, fields):
    client.force_login(seller)
    client.post("/people/columns/", {"columns": ["tags"]})

    response = client.post("/people/columns/", {"reset": "1", "query": "q=a"})

    assert response["Location"] == "/people/?q=a"
    keys = [c.key for c in client.get("/people/").context["columns"]]
    assert keys == ["name", "organization", "email", "phone", "owner"]


def test_an_archived_field_is_no_column(client, admin, seller, fields):
    field_services.custom_field_archive(actor=admin, field=fields["tier"], archived=True)
    client.force_login(seller)

    response = client.get("/organizations/?columns=cf_tier,city")

    assert [c.key for c in response.context["columns"]] == ["name", "city"]


# --- Lists: filters -------------------------------------------------------------------------------


@pytest.fixture
def register(seller, fields):
    return {
        "a": _org(
            seller, "A Oy", tier="gold", regions=["north", "east"], seats="5",
            budget={"amount": "1000.00", "currency": "EUR"}, renewal="2027-01-15",
            signed_partner=True, motto="Build well",
        ),
        "b": _org(
            seller, "B Oy", tier="silver", regions=["south"], seats="50",
            budget={"amount": "250000.00", "currency": "HUF"}, renewal="2027-06-01",
            signed_partner=False, motto="Build fast",
        ),
        "c": _org(seller, "C Oy"),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"cf_tier": ["gold", "silver"]}, {"A Oy", "B Oy"}),
        ({"cf_tier": "silver"}, {"B Oy"}),
        ({"cf_regions": ["east", "south"]}, {"A Oy", "B Oy"}),
        ({"cf_regions": "north"}, {"A Oy"}),
        ({"cf_seats_min": "6"}, {"B Oy"}),
        ({"cf_seats_min": "5", "cf_seats_max": "49,5"}, {"A Oy"}),
        ({"cf_budget_min": "900", "cf_budget_max": "1 000"}, {"A Oy"}),
        ({"cf_budget_min": "900", "cf_budget_currency": "huf"}, {"B Oy"}),
        ({"cf_renewal_from": "2027-02-01"}, {"B Oy"}),
        ({"cf_renewal_to": "2027-01-15"}, {"A Oy"}),
        ({"cf_signed_partner": "yes"}, {"A Oy"}),
        ({"cf_signed_partner": "no"}, {"B Oy", "C Oy"}),
        ({"cf_motto": "BUILD"}, {"A Oy", "B Oy"}),
        ({"cf_motto": "build fast", "cf_motto_op": "equals"}, {"B Oy"}),
        ({"cf_motto": "build", "cf_motto_op": "equals"}, set()),
        ({"cf_seats_min": "nonsense"}, {"A Oy", "B Oy", "C Oy"}),
    ],
)
def test_the_list_filters_on_custom_fields(client, seller, register, query, expected):
    client.force_login(seller)

    page = client.get("/organizations/", query).context["page"]

    assert {o.name for o in page.rows} == expected


def test_the_export_follows_the_custom_field_filters(client, seller, register):
    client.force_login(seller)

    body = b"".join(client.get("/organizations/export.csv", {"cf_tier": "gold"}).streaming_content)

    assert b"A Oy" in body
    assert b"B Oy" not in body


def test_the_person_list_filters_on_its_own_fields(client, admin, seller):
    field_services.custom_field_create(
        actor=admin, record_type_key="person", label="Newsletter", kind="yes_no"
    )
    services.person_create(
        actor=seller, values={"last_name": "Yes", "custom": {"newsletter": True}}
    )
    services.person_create(actor=seller, values={"last_name": "No"})
    client.force_login(seller)

    page = client.get("/people/", {"cf_newsletter": "yes"}).context["page"]

    assert [p.last_name for p in page.rows] == ["Yes"]
    assert CustomField.objects.count() == 1


def test_clearing_the_last_custom_value_is_in_the_history(seller, fields):
    organization = _org(seller, "Kuusi Oy", tier="gold")

    services.organization_update(
        actor=seller,
        organization=organization,
        values={"custom": {"tier": None}},
        expected_version=None,
    )

    organization.refresh_from_db()
    assert organization.custom is None
    entry = HistoryEntry.objects.filter(action="changed").get()
    assert [(c["field"], c["old_label"], c["new_label"]) for c in entry.changes] == [
        ("custom.tier", "Gold", "")
    ]
