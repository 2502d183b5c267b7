from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sampo.contacts import services
from sampo.contacts.key_figure_selectors import recent_key_figures
from sampo.contacts.models import KeyFigure
from sampo.core.models import HistoryEntry


def _save(actor, organization, year, **values):
    values.setdefault("currency", "EUR")
    return services.key_figure_save(
        actor=actor, organization=organization, year=year, values=values
    )


def _form(year, revenue="", profit="", employees="", currency="EUR"):
    return {
        "year": year,
        "revenue": revenue,
        "operating_profit": profit,
        "employees": employees,
        "currency": currency,
    }


def test_the_owner_adds_a_year_and_it_is_shown_in_their_locale(client, seller, organization):
    seller.language = "fi"
    seller.save(update_fields=["language"])
    client.force_login(seller)

    response = client.post(
        f"/organizations/{organization.pk}/key-figures/new/",
        _form(2023, revenue="1 250 000,50", profit="-20000", employees=14),
    )

    figure = KeyFigure.objects.get(organization=organization)
    assert response.status_code == 302
    assert (figure.year, figure.revenue, figure.operating_profit, figure.employees) == (
        2023,
        Decimal("1250000.50"),
        Decimal("-20000.00"),
        14,
    )
    page = client.get(f"/organizations/{organization.pk}/").content.decode()
    assert "1\xa0250\xa0000,50\xa0€" in page


def test_the_currency_defaults_to_the_installations_currency(
    client, seller, organization, settings
):
    settings.DEFAULT_CURRENCY = "HUF"
    client.force_login(seller)

    form = client.get(f"/organizations/{organization.pk}/key-figures/new/").context["form"]

    assert form["currency"].value() == "HUF"


def test_an_edit_changes_the_year_in_place(client, seller, organization):
    figure = _save(seller, organization, 2022, revenue=Decimal(100))
    client.force_login(seller)

    client.post(
        f"/organizations/{organization.pk}/key-figures/{figure.pk}/edit/",
        _form(2023, revenue="150", employees=3),
    )

    assert list(KeyFigure.objects.values_list("year", "revenue", "employees")) == [
        (2023, Decimal("150.00"), 3)
    ]


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (_form(1899, revenue="100"), "year"),
        (_form(timezone.localdate().year + 2, revenue="100"), "year"),
        (_form(2023, revenue="lots"), "revenue"),
        (_form(2023, profit="1.2.3"), "operating_profit"),
        (_form(2023, employees=-1), "employees"),
        (_form(2023, currency="XXX"), "currency"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(
    client, seller, organization, form, field
):
    client.force_login(seller)

    response = client.post(f"/organizations/{organization.pk}/key-figures/new/", form)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not KeyFigure.objects.exists()
    assert not HistoryEntry.objects.filter(event="key_figures_changed").exists()


def test_a_year_that_has_figures_already_is_refused(client, seller, organization):
    _save(seller, organization, 2023, revenue=Decimal(100))
    client.force_login(seller)

    response = client.post(
        f"/organizations/{organization.pk}/key-figures/new/", _form(2023, revenue="999")
    )

    assert "already" in response.context["form"].errors["year"][0]
    assert KeyFigure.objects.get().revenue == Decimal(100)


def test_the_service_validates_what_other_callers_pass(seller, organization):
    with pytest.raises(ValidationError) as refused:
        _save(seller, organization, 1850, revenue=Decimal(1))
    assert "year" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _save(seller, organization, 2020, employees=-5)
    assert "employees" in refused.value.message_dict
    assert not KeyFigure.objects.exists()


def test_a_colleague_cannot_change_key_figures_of_someone_elses_organization(
    client, seller, teammate, sales_team, organization
):
    figure = _save(seller, organization, 2023, revenue=Decimal(100))
    client.force_login(teammate)
    base = f"/organizations/{organization.pk}/key-figures"

    responses = [
        client.get(f"{base}/new/"),
        client.post(f"{base}/new/", _form(2022, revenue="5")),
        client.post(f"{base}/{figure.pk}/edit/", _form(2023, revenue="5")),
        client.post(f"{base}/{figure.pk}/delete/"),
    ]

    assert [r.status_code for r in responses] == [403] * 4
    assert list(KeyFigure.objects.values_list("year", "revenue")) == [(2023, Decimal("100.00"))]
    with pytest.raises(PermissionDenied):
        services.key_figure_delete(actor=teammate, key_figure=figure)
    page = client.get(f"/organizations/{organization.pk}/").content.decode()
    assert f"{base}/new/" not in page


def test_the_sales_manager_of_the_owners_team_can_add_figures(
    client, manager, seller, sales_team, organization
):
    client.force_login(manager)

    client.post(f"/organizations/{organization.pk}/key-figures/new/", _form(2023, revenue="7"))

    assert KeyFigure.objects.filter(organization=organization).count() == 1


def test_a_figure_of_another_organization_is_not_found(client, seller, organization):
    other = services.organization_create(actor=seller, values={"name": "Toinen Oy"})
    figure = _save(seller, other, 2023, revenue=Decimal(1))
    client.force_login(seller)

    response = client.post(f"/organizations/{organization.pk}/key-figures/{figure.pk}/delete/")

    assert response.status_code == 404
    assert KeyFigure.objects.filter(pk=figure.pk).exists()


def test_every_change_is_written_to_the_organizations_history(client, seller, organization):
    client.force_login(seller)
    base = f"/organizations/{organization.pk}/key-figures"

    client.post(f"{base}/new/", _form(2023, revenue="100", employees=2))
    figure = KeyFigure.objects.get()
    client.post(f"{base}/{figure.pk}/edit/", _form(2023, revenue="120", employees=2))
    client.post(f"{base}/{figure.pk}/edit/", _form(2023, revenue="120", employees=2))  # no change
    client.post(f"{base}/{figure.pk}/delete/")

    entries = HistoryEntry.objects.filter(
        object_id=str(organization.pk), event="key_figures_changed"
    ).order_by("pk")
    changes = [entry.changes[0] for entry in entries]
    revenues = [((c["old"] or {}).get("revenue"), (c["new"] or {}).get("revenue")) for c in changes]
    assert revenues == [
        (None, "100.00"),
        ("100.00", "120.00"),
        ("120.00", None),
    ]
    assert all(c["field"] == "key_figures" for c in changes)
    assert changes[0]["new_label"].startswith("2023: revenue €100.00")
    assert {e.actor_id for e in entries} == {seller.pk}
    page = client.get(f"/organizations/{organization.pk}/").content.decode()
    assert "changed the key figures" in page


def _figures(organization, rows):
    for year, revenue in rows:
        KeyFigure.objects.create(
            organization=organization,
            year=year,
            revenue=None if revenue is None else Decimal(revenue),
        )


def test_growth_is_revenue_change_against_the_year_before(organization):
    _figures(
        organization,
        [(2017, 50), (2018, 80), (2019, 100), (2020, 125), (2021, 100), (2023, 90), (2024, 0)],
    )

    rows = recent_key_figures(organization)

    assert [(r.figure.year, r.revenue_growth) for r in rows] == [
        (2024, Decimal("-100.0")),
        (2023, None),  # 2022 is missing: nothing to compare with
        (2021, Decimal("-20.0")),
        (2020, Decimal("25.0")),
        (2019, Decimal("25.0")),  # the sixth year is read only to compare with
    ]


def test_growth_needs_a_revenue_on_both_years_in_the_same_currency(organization):
    _figures(organization, [(2020, 0), (2021, 100), (2022, None), (2023, 100)])
    KeyFigure.objects.create(organization=organization, year=2024, revenue=1, currency="HUF")

    rows = {r.figure.year: r.revenue_growth for r in recent_key_figures(organization)}

    assert rows == {2024: None, 2023: None, 2022: None, 2021: None, 2020: None}


def test_the_page_shows_the_last_five_years_with_their_growth(client, viewer, organization):
    _figures(organization, [(y, 100 + y - 2018) for y in range(2018, 2025)])
    client.force_login(viewer)

    page = client.get(f"/organizations/{organization.pk}/").content.decode()

    assert ">2024<" in page
    assert ">2020<" in page
    assert ">2019<" not in page
    assert "+1.0 %" in page  # 105 → 106
    assert "key-figures/new/" not in page  # a read-only user sees no edit controls


def test_the_organization_page_needs_the_same_queries_for_one_year_and_many(
    client, seller, organization
):
    _figures(organization, [(2024, 1)])
    client.force_login(seller)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/organizations/{organization.pk}/").status_code == 200
        return len(captured)

    queries()  # warms the per-process caches (content types) a first page fills
    one = queries()
    _figures(organization, [(y, y) for y in range(1990, 2024)])

    assert queries() == one
