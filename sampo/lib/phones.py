"""Phone numbers: stored in E.164, shown in the national format of the reader's country."""

from __future__ import annotations

import functools

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalize_phone(raw: str, *, default_region: str = "FI") -> str:
    """'040 123 4567' → '+358401234567'. Raises a translated ValidationError if invalid."""
    try:
        number = phonenumbers.parse(raw, default_region.upper() or "FI")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(
            _("%(value)s is not a phone number."), params={"value": raw}, code="invalid"
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("%(value)s is not a valid phone number."), params={"value": raw}, code="invalid"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@functools.lru_cache(maxsize=4096)
def display_phone(e164: str, *, reader_region: str = "FI") -> str:
    """National format for numbers of the reader's country, international for the rest.
    Cached: parsing costs a tenth of a millisecond, and a page shows dozens of numbers."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    same_country = phonenumbers.region_code_for_number(number) == reader_region.upper()
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if same_country
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def phone_search_keys(raw: str, *, regions: tuple[str, ...] = ("FI", "HU")) -> set[str]:
    """The E.164 forms something typed into a search box may mean: '06 30 123 4567' is a
    Hungarian mobile, '040 123 4567' a Finnish one. Empty if it is not a phone number."""
    if sum(ch.isdigit() for ch in raw) < 6:
        return set()
    keys = set()
    for region in regions:
        try:
            keys.add(normalize_phone(raw, default_region=region))
        except ValidationError:
            continue
    return keys
