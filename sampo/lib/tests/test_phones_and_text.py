from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sampo.lib.phones import display_phone, normalize_phone, phone_search_keys
from sampo.lib.text import fold


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("040 123 4567", "FI", "+358401234567"),
        ("+358 40 1234567", "HU", "+358401234567"),
        ("06 30 123 4567", "HU", "+36301234567"),
        ("(09) 4542 1234", "FI", "+358945421234"),
    ],
)
def test_it_stores_phones_in_e164(raw, region, e164):
    assert normalize_phone(raw, default_region=region) == e164


def test_it_refuses_something_that_is_not_a_phone():
    with pytest.raises(ValidationError):
        normalize_phone("call me maybe")


def test_it_shows_a_number_in_the_national_format_at_home_and_international_abroad():
    assert display_phone("+358401234567", reader_region="FI") == "040 1234567"
    assert display_phone("+358401234567", reader_region="HU") == "+358 40 1234567"


def test_a_search_for_a_name_is_not_taken_for_a_phone():
    assert phone_search_keys("Virtanen") == set()
    assert "+358401234567" in phone_search_keys("040-123 4567")
    assert "+36301234567" in phone_search_keys("06 30 123 4567")


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Pörssi", "porssi"), ("Szűcs  Ágnes", "szucs agnes"), ("ÅLAND", "aland")],
)
def test_fold_removes_case_accents_and_extra_spaces(text, folded):
    assert fold(text) == folded
