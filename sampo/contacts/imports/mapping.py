"""Which column goes into which field: guessed from the headers (English, Finnish, Hungarian,
Outlook's and Google Contacts' exports, and Sampo's own exports in any of its languages), then
corrected by the user."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from sampo.contacts import exports
from sampo.contacts.imports import registry
from sampo.contacts.imports.fields import FURTHER, LANGUAGES, NOT_FIELDS, TARGETS, targets
from sampo.contacts.imports.models import ImportKind
from sampo.contacts.models import Organization, Person
from sampo.lib.text import fold

_COMMON = {
    "email": "email, e-mail, e mail, email address, e-mail address, mail, sähköposti, "
    "sähköpostiosoite, s-posti, sposti, e-mail cím, email cím, e-mail-cím, emailcím, "
    "e-mail 1 - value, email 1 - value",
    "phone": "phone, telephone, phone number, tel, work phone, business phone, "
    "phone 1 - value, puhelin, puhelinnumero, puh, työpuhelin, telefon, telefonszám, "
    "vezetékes telefon",
    "street": "address, street, street address, visiting address, business street, "
    "home street, address 1 - street, osoite, katuosoite, käyntiosoite, lähiosoite, "
    "cím, utca, utca, házszám, székhely",
    "postal_code": "postal code, zip, zip code, postcode, post code, business postal code, "
    "home postal code, address 1 - postal code, postinumero, postinro, irányítószám, irsz",
    "city": "city, town, business city, home city, address 1 - city, kaupunki, "
    "postitoimipaikka, paikkakunta, kotikunta, kunta, város, település, helység",
    "country": "country, country/region, business country/region, home country/region, "
    "address 1 - country, maa, valtio, ország",
    "owner": "owner, account owner, sales rep, salesperson, omistaja, vastuumyyjä, myyjä, "
    "vastuuhenkilö, tulajdonos, felelős, értékesítő, üzletkötő",
    "tags": "tags, tag, categories, keywords, tunnisteet, avainsanat, tagit, luokat, "
    "címkék, címke, kategóriák",
    "notes": "notes, note, comments, comment, description, remarks, muistiinpanot, "
    "lisätiedot, huomiot, huomautukset, kuvaus, megjegyzés, megjegyzések, leírás",
    "source_id": "id, source id, external id, record id, tunniste, id-tunnus, ulkoinen id, "
    "azonosító, külső azonosító",
    "more_emails": "more emails, other emails, other email, email 2, email 3, e-mail 2, "
    "e-mail 3, e-mail 2 address, e-mail 3 address, e-mail 2 - value, e-mail 3 - value, "
    "email 2 - value, email 3 - value, muut sähköpostit, muu sähköposti, "
    "sähköposti 2, sähköposti 3, további e-mail címek, egyéb e-mail, e-mail 2 cím",
    "more_phones": "more phones, other phones, other phone, phone 3 - value, "
    "phone 4 - value, business phone 2, company main phone, car phone, "
    "muut puhelinnumerot, muu puhelin, puhelin 2, további telefonszámok, egyéb telefon, "
    "telefon 2",
}

ALIASES: dict[str, dict[str, str]] = {
    ImportKind.ORGANIZATIONS: {
        **_COMMON,
        "name": "name, company, company name, organization, organisation, organization name, "
        "account, account name, customer, customer name, nimi, yritys, yrityksen nimi, "
        "yritysnimi, organisaatio, toiminimi, asiakas, név, cégnév, cég neve, cég, szervezet, "
        "vállalat, ügyfél, ügyfél neve",
        "business_id": "business id, vat, vat number, vat id, company id, registration number, "
        "org number, y-tunnus, ytunnus, y tunnus, alv-tunnus, alv-numero, adószám, adoszam, "
        "közösségi adószám, cégjegyzékszám",
        "website": "website, web, www, url, homepage, web site, web page, kotisivu, kotisivut, "
        "verkkosivu, verkkosivut, www-osoite, weboldal, honlap, webcím, weblap",
        "postal_street": "postal address, mailing address, postiosoite, levelezési cím, postacím",
        "postal_postal_code": "postal address postal code, postiosoitteen postinumero",
        "postal_city": "postal address city, postiosoitteen postitoimipaikka",
        "billing_street": "billing address, invoicing address, laskutusosoite, számlázási cím",
        "billing_postal_code": "billing postal code, laskutuksen postinumero, "
        "számlázási irányítószám",
        "billing_city": "billing city, laskutuksen postitoimipaikka, számlázási város",
        "billing_email": "billing email, invoice email, invoicing email, "
        "laskutussähköposti, laskutuksen sähköposti, számlázási e-mail, számlázási email",
        "industry": "industry code, industry, nace, nace code, toimiala, toimialakoodi, "
        "tol, tol 2008, iparág, iparági kód, teáor, teáor kód",
        "relationship_types": "relationship, relationship type, relationship types, type, "
        "customer type, suhde, suhdetyyppi, asiakkuus, tyyppi, kapcsolat, kapcsolat típusa, "
        "típus",
        "source_id": _COMMON["source_id"] + ", customer id, customer number, account id, "
        "company id in source, asiakasnumero, asiakasnro, asiakastunnus, ügyfélszám, "
        "ügyfélazonosító, cégazonosító",
    },
    ImportKind.PEOPLE: {
        **_COMMON,
        "first_name": "first name, firstname, given name, forename, etunimi, etunimet, "
        "keresztnév, utónév",
        "last_name": "last name, lastname, surname, family name, sukunimi, vezetéknév, családnév",
        "full_name": "name, full name, contact, contact name, person, nimi, koko nimi, "
        "yhteyshenkilö, henkilö, név, teljes név, kapcsolattartó",
        "job_title": "title, job title, position, organization 1 - title, organization title, "
        "tehtävä, titteli, asema, nimike, tehtävänimike, ammatti, beosztás, munkakör, pozíció",
        "mobile": "mobile, mobile phone, mobile number, cell, cell phone, phone 2 - value, "
        "matkapuhelin, kännykkä, gsm, mobiili, mobiilinumero, mobil, mobiltelefon, mobilszám",
        "preferred_language": "language, preferred language, kieli, asiointikieli, "
        "nyelv, preferált nyelv",
        "organization": "company, organization, organisation, organization 1 - name, "
        "organization name, employer, company name, yritys, organisaatio, työpaikka, "
        "työnantaja, yrityksen nimi, cég, cégnév, szervezet, munkahely, munkáltató",
        "organization_business_id": "company business id, organization business id, "
        "company vat, yrityksen y-tunnus, y-tunnus, ytunnus, cég adószáma, adószám",
        "organization_source_id": "organization id, company id, account id, organization "
        "source id, yrityksen tunnus, yritys id, asiakasnumero, cég azonosító, cégazonosító, "
        "ügyfélszám",
        "role": "role, role in organization, rooli, szerep, szerepkör",
        "home_phones": "home phone, home phone 2, home telephone, private phone, "
        "kotipuhelin, kotinumero, otthoni telefon, otthoni telefonszám",
        "source_id": _COMMON["source_id"] + ", contact id, person id, henkilön tunnus, "
        "yhteyshenkilön tunnus, személy azonosító",
    },
}

# The register's own exports, in every language: what they write, the import reads back.
_FURTHER_COLUMNS = {"More emails": "more_emails", "More phones": "more_phones"}
_EXPORT_EXTRAS = {
    ImportKind.ORGANIZATIONS: {"Industry code": "industry", **_FURTHER_COLUMNS},
    ImportKind.PEOPLE: {"Current organizations": "organization", **_FURTHER_COLUMNS},
}
_NOT_ALIASES = {"industry"}  # the export's industry column holds the name; its code comes first


def header_key(header: str) -> str:
    return re.sub(r"[\s_]+", " ", fold(header).replace("*", "")).strip(" :.")


@cache
def _aliases(kind: str) -> dict[str, str]:
    import_type = registry.get(kind)
    if import_type is not None:
        return _registered_aliases(import_type)
    model = Organization if kind == ImportKind.ORGANIZATIONS else Person
    known: dict[str, str] = {}
    for target, words in ALIASES[ImportKind(kind)].items():
        for word in words.split(","):
            known.setdefault(header_key(word), target)
    for language in LANGUAGES:
        with translation.override(language):
            for target in TARGETS[ImportKind(kind)]:
                if target in NOT_FIELDS or target in _NOT_ALIASES:
                    continue
                field: Any = model._meta.get_field(target)
                name = str(field.verbose_name)
                known.setdefault(header_key(name), target)
            for column in exports.ORGANIZATION_COLUMNS + exports.PERSON_COLUMNS:
                label = header_key(str(capfirst(column.label)))
                for english, target in _EXPORT_EXTRAS[ImportKind(kind)].items():
                    if _english(column.label) == english:
                        known.setdefault(label, target)
    return known


def _registered_aliases(import_type: registry.ImportType) -> dict[str, str]:
    """A registered type's header words, then its targets' labels in every language."""
    known: dict[str, str] = {}
    for key, words in import_type.aliases.items():
        for word in words.split(","):
            known.setdefault(header_key(word), key)
    for language in LANGUAGES:
        with translation.override(language):
            for target in import_type.targets:
                known.setdefault(header_key(str(target.label)), target.key)
    return known


def _english(label: object) -> str:
    with translation.override("en"):
        return str(capfirst(str(label)))


def _custom_aliases(kind: str) -> dict[str, str]:
    """Custom fields by code and by label in every language (as the export writes them)."""
    known: dict[str, str] = {}
    for key, target in targets(kind).items():
        if target.custom is None:
            continue
        field = target.custom
        for name in (field.label, *(field.labels or {}).values(), field.code, key):
            known.setdefault(header_key(name), key)
    return known


def guess_mapping(kind: str, headers: list[str]) -> list[str]:
    """A target per column ("" where none fits); each target is given to one column only."""
    known = {**_custom_aliases(kind), **_aliases(kind)}
    taken: set[str] = set()
    mapping = []
    for header in headers:
        target = known.get(header_key(header), "")
        if target in taken and target not in FURTHER:
            target = ""
        taken.add(target)
        mapping.append(target)
    return mapping


def validate_mapping(kind: str, mapping: list[str]) -> list[str]:
    """The mapping as given, or a ValidationError saying what is wrong with it."""
    allowed = targets(kind)
    unknown = [t for t in mapping if t and t not in allowed]
    if unknown:
        raise ValidationError(_("Unknown field “%(field)s”.") % {"field": unknown[0]})
    used = [t for t in mapping if t]
    twice = sorted({t for t in used if used.count(t) > 1 and t not in FURTHER})
    if twice:
        raise ValidationError(
            _("Each field can take one column only; “%(field)s” has several.")
            % {"field": allowed[twice[0]].label}
        )
    import_type = registry.get(kind)
    if import_type is not None:
        import_type.check_mapping(set(used))
        return mapping
    needed = {"name"} if kind == ImportKind.ORGANIZATIONS else {"last_name", "full_name"}
    if not needed & set(used):
        if kind == ImportKind.ORGANIZATIONS:
            raise ValidationError(_("Choose the column that holds the organization's name."))
        raise ValidationError(
            _("Choose the column that holds the person's last name (or full name).")
        )
    return mapping
