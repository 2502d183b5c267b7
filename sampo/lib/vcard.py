"""People as vCard 4.0 (RFC 6350) for address books and phones, written with vobject, which
escapes and folds the lines."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import vobject


def person_vcard(
    *,
    family_name: str,
    given_name: str = "",
    full_name: str = "",
    organization: str = "",
    title: str = "",
    email: str = "",
    mobile: str = "",
    phone: str = "",
    street: str = "",
    postal_code: str = "",
    city: str = "",
    country: str = "",
    language: str = "",
    note: str = "",
    revised: datetime | None = None,
    further: list[tuple[str, str, str]] | None = None,
) -> str:
    """One card. Phones are E.164 and written as tel: URIs, the form vCard 4.0 prefers.
    `further` holds more emails and phones as (kind "email"/"phone", label, value); the
    primary ones carry PREF=1, as address books expect."""
    card = vobject.vCard()
    card.add("version").value = "4.0"
    card.add("n").value = vobject.vcard.Name(family=family_name, given=given_name)
    card.add("fn").value = full_name or f"{given_name} {family_name}".strip()
    optional_text = {"org": organization, "title": title, "lang": language}
    for name, value in optional_text.items():
        if value:
            card.add(name).value = [value] if name == "org" else value
    if email:
        line = card.add("email")
        line.value = email
        line.params["PREF"] = ["1"]
    primary = {"cell": mobile, "work": phone}
    for kind, number in primary.items():
        if number:
            _add_tel(card, number, kind, preferred=True)
    for detail_kind, label, value in further or []:
        if detail_kind == "email":
            line = card.add("email")
            line.value = value
            if label in VCARD_TYPES:
                line.params["TYPE"] = [VCARD_TYPES[label]]
        else:
            _add_tel(card, value, VCARD_TYPES.get(label, ""), preferred=False)
    if street or postal_code or city:  # a country alone (every record has one) is no address
        card.add("adr").value = vobject.vcard.Address(
            street=street, code=postal_code, city=city, country=country
        )
    if note:
        card.add("note").value = note
    if revised is not None:
        card.add("rev").value = revised.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return str(card.serialize())


# Sampo's labels as vCard TYPE values ("other" and "billing" have none).
VCARD_TYPES = {"work": "work", "home": "home", "mobile": "cell"}


def _add_tel(card: Any, number: str, kind: str, *, preferred: bool) -> None:
    tel = card.add("tel")
    tel.value = f"tel:{number}"
    tel.params["VALUE"] = ["uri"]
    if kind:
        tel.params["TYPE"] = [kind]
    if preferred:
        tel.params["PREF"] = ["1"]
