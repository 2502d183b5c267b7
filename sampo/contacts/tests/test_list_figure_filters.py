from __future__ import annotations

from decimal import Decimal

from sampo.contacts import services
from sampo.contacts.models import Industry


def _org(seller, name: str, figures: dict[int, tuple[str, int]], **values):
    organization = services.organization_create(
        actor=seller, values={"name": name, **values}, allow_duplicate=True
    )
    for year, (revenue, employees) in figures.items():
        services.key_figure_save(
            actor=seller,
            organization=organization,
            year=year,
            values={"revenue": Decimal(revenue), "employees": employees},
        )
    return organization


def _names(client, **params) -> list[str]:
    page = client.get("/organizations/", params).context["page"]
    return sorted(o.name for o in page.rows)


def test_it_filters_on_each_organizations_latest_figures_or_a_chosen_year(client, seller):
    _org(seller, "Grew Oy", {2024: ("400000", 4), 2025: ("1200000", 12)})
    _org(seller, "Shrank Oy", {2024: ("2000000", 20), 2025: ("500000", 6)})
    _org(seller, "No figures Oy", {})
    client.force_login(seller)

    assert _names(client, revenue_min="1 000 000") == ["Grew Oy"]
    assert _names(client, revenue_min="1000000", year="2024") == ["Shrank Oy"]
    assert _names(client, employees_min="5", employees_max="10") == ["Shrank Oy"]
    assert _names(client, revenue_max="not a number") == ["Grew Oy", "No figures Oy", "Shrank Oy"]


def test_an_industry_section_includes_its_divisions(client, seller):
    construction = Industry.objects.get(code="F")
    buildings = Industry.objects.get(code="41")
    _org(seller, "Builder Oy", {}, industry=buildings)
    _org(seller, "Bakery Oy", {}, industry=Industry.objects.get(code="10"))
    client.force_login(seller)

    assert _names(client, industry=construction.pk) == ["Builder Oy"]
    assert _names(client, industry=buildings.pk) == ["Builder Oy"]


def test_the_export_takes_the_figure_filters_along(client, seller):
    _org(seller, "Grew Oy", {2025: ("1200000", 12)})
    _org(seller, "Small Oy", {2025: ("100000", 1)})
    client.force_login(seller)

    response = client.get("/organizations/export.csv", {"revenue_min": "1000000"})

    content = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Grew Oy" in content
    assert "Small Oy" not in content
