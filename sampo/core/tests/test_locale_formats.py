from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

NBSP = "\xa0"


def render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template("{% load sampo %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "€1,234.50"), ("fi", f"1{NBSP}234,50{NBSP}€"), ("hu", f"1{NBSP}234,50{NBSP}EUR")],
)
def test_money_is_formatted_in_the_readers_locale(language, expected):
    assert render("{{ amount|money:'EUR' }}", language, amount=Decimal("1234.5")) == expected


def test_money_in_forints_has_the_hungarian_symbol():
    assert render("{{ amount|money:'HUF' }}", "hu", amount=Decimal("250000")) == (
        f"250{NBSP}000,00{NBSP}Ft"
    )


def test_money_leaves_an_empty_value_empty():
    assert render("{{ amount|money }}", "fi", amount=None) == ""


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "1,234.5"), ("fi", f"1{NBSP}234,5"), ("hu", f"1{NBSP}234,5")]
)
def test_numbers_use_the_locales_separators(language, expected):
    assert render("{{ value }}", language, value=Decimal("1234.5")) == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "23/11/2026"), ("fi", "23.11.2026"), ("hu", "2026.11.23.")]
)
def test_dates_use_the_locales_format(language, expected):
    day = datetime.date(2026, 11, 23)

    assert render('{{ day|date:"SHORT_DATE_FORMAT" }}', language, day=day) == expected
