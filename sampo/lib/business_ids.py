"""Business identifiers: validated and stored in one canonical form, so that matching finds
"FI01120389", "0112038-9" and "0112038 9" to be the same company."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import ytunnus
from stdnum.hu import anum

FI_BUSINESS_ID = "fi_ytunnus"
HU_TAX_NUMBER = "hu_adoszam"
EU_VAT = "eu_vat"

KIND_LABELS = {
    FI_BUSINESS_ID: _("Finnish business ID (Y-tunnus)"),
    HU_TAX_NUMBER: _("Hungarian tax number (adószám)"),
    EU_VAT: _("EU VAT number"),
}

_HU_FULL = re.compile(r"^(\d{8})-?(\d)-?(\d{2})$")


@dataclass(frozen=True)
class BusinessId:
    kind: str
    value: str  # canonical form

    @property
    def match_key(self) -> str:
        """The same company under its national ID or its VAT number gives the same key:
        the eight digits of the Y-tunnus or of the Hungarian törzsszám."""
        if self.kind == EU_VAT:
            country, number = self.value[:2], self.value[2:]
            return number[:8] if country in {"FI", "HU"} else self.value
        return self.value.replace("-", "")[:8]


def parse_business_id(raw: str, *, country: str = "") -> BusinessId:
    """Recognise and normalise an ID typed or imported in any common spelling.

    `country` (ISO code of the organization) settles ambiguous input: eight digits are a
    Hungarian tax number for a Hungarian company and a Y-tunnus missing its dash for a Finnish
    one. Raises a translated ValidationError when the ID is not valid.
    """
    text = re.sub(r"[\s.]", "", raw or "").upper()
    if not text:
        raise ValidationError(_("Enter a business ID."), code="required")
    if text[:2].isalpha():
        return _eu_vat(text)
    if match := _HU_FULL.match(text):
        return _hu_tax_number(
            match.group(1), full=f"{match.group(1)}-{match.group(2)}-{match.group(3)}"
        )
    if country.upper() == "HU" and re.fullmatch(r"\d{8}", text):
        return _hu_tax_number(text, full=text)
    return _fi_business_id(text)


def _eu_vat(text: str) -> BusinessId:
    try:
        return BusinessId(EU_VAT, vat.validate(text))
    except StdnumError as error:
        raise ValidationError(
            _("%(value)s is not a valid EU VAT number."), params={"value": text}, code="invalid"
        ) from error


def _hu_tax_number(base: str, *, full: str) -> BusinessId:
    try:
        anum.validate(base)
    except StdnumError as error:
        raise ValidationError(
            _("%(value)s is not a valid Hungarian tax number."),
            params={"value": full},
            code="invalid",
        ) from error
    return BusinessId(HU_TAX_NUMBER, full)


def _fi_business_id(text: str) -> BusinessId:
    try:
        return BusinessId(FI_BUSINESS_ID, ytunnus.format(ytunnus.validate(text)))
    except StdnumError as error:
        raise ValidationError(
            _(
                "%(value)s is not a valid business ID. Use a Finnish Y-tunnus (1234567-8), a "
                "Hungarian tax number (12345678-1-42) or an EU VAT number (FI12345678)."
            ),
            params={"value": text},
            code="invalid",
        ) from error
