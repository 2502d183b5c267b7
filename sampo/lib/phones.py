"""Phone numbers: stored in E.164, shown in the national format of the reader's country."""

from __future__ import annotations

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


def display_phone(e164: str, *, reader_region: str = "FI") -> str:
    """National format for numbers of the reader's country, international for the rest."""
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


def phone_search_key(raw: str, *, default_region: str = "FI") -> str | None:
    """The E.164 form of something typed into a search box, or None if it is not a number."""
    digits = sum(ch.isdigit() for ch in raw)
    if digits < 6:
        return None
    try:
        return normalize_phone(raw, default_region=default_region)
    except ValidationError:
        return None
