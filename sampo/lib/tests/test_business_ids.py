from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sampo.lib.business_ids import EU_VAT, FI_BUSINESS_ID, HU_TAX_NUMBER, parse_business_id


@pytest.mark.parametrize("raw", ["0112038-9", "01120389", " 0112038 9 ", "0112038.9"])
def test_it_normalizes_finnish_business_ids(raw):
    parsed = parse_business_id(raw)

    assert (parsed.kind, parsed.value) == (FI_BUSINESS_ID, "0112038-9")


def test_a_vat_number_and_the_y_tunnus_share_the_match_key():
    assert parse_business_id("FI 0112 0389").kind == EU_VAT
    assert parse_business_id("fi01120389").match_key == parse_business_id("0112038-9").match_key


def test_it_reads_hungarian_tax_numbers_in_both_forms():
    full = parse_business_id("12892312-2-41")
    short = parse_business_id("12892312", country="HU")

    assert (full.kind, full.value) == (HU_TAX_NUMBER, "12892312-2-41")
    assert short.match_key == full.match_key == parse_business_id("HU12892312").match_key


@pytest.mark.parametrize("raw", ["0112038-8", "12892313-2-41", "FI01120388", "hello", "123"])
def test_it_refuses_invalid_ids_with_a_clear_message(raw):
    with pytest.raises(ValidationError) as error:
        parse_business_id(raw, country="HU" if raw.startswith("1289") else "FI")

    assert "not a valid" in error.value.messages[0]
