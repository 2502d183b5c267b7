"""What a column can be imported into, and how a cell's text becomes a field's value.

Text from a spreadsheet export comes back as it went out: a cell the export neutralized
against formula injection ("'=1+2") loses that apostrophe again; countries, languages and
relationship types are read in English, Finnish or Hungarian as well as by code; an owner is
found by email or by name, as the export writes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from sampo.accounts.models import User
from sampo.contacts.imports import registry
from sampo.contacts.imports.models import ImportKind
from sampo.contacts.models import COUNTRY_CHOICES, ContactDetail, Industry, RelationshipType
from sampo.core import custom_fields
from sampo.core.custom_fields import values as custom_values
from sampo.core.models import CustomField
from sampo.lib.spreadsheets import FORMULA_TRIGGERS
from sampo.lib.text import fold

LANGUAGES = ("en", "fi", "hu")


@dataclass(frozen=True)
class Target:
    key: str
    label: Promise | str
    # How the value is looked up or converted; plain text when None.
    kind: str = "text"
    # A custom field's definition (key "cf_<code>"); its cells are parsed by its kind.
    custom: CustomField | None = None


ORGANIZATION_TARGETS = [
    Target("name", gettext_lazy("Name")),
    Target("business_id", gettext_lazy("Business ID")),
    Target("email", gettext_lazy("Email")),
    Target("phone", gettext_lazy("Phone")),
    Target("website", gettext_lazy("Website")),
    Target("street", gettext_lazy("Street address")),
    Target("postal_code", gettext_lazy("Postal code")),
    Target("city", gettext_lazy("City")),
    Target("country", gettext_lazy("Country"), "country"),
    Target("postal_street", gettext_lazy("Postal address")),
    Target("postal_postal_code", gettext_lazy("Postal code (postal address)")),
    Target("postal_city", gettext_lazy("City (postal address)")),
    Target("billing_street", gettext_lazy("Billing address")),
    Target("billing_postal_code", gettext_lazy("Postal code (billing)")),
    Target("billing_city", gettext_lazy("City (billing)")),
    Target("billing_email", gettext_lazy("Billing email")),
    Target("more_emails", gettext_lazy("More emails"), "more_emails"),
    Target("more_phones", gettext_lazy("More phones"), "more_phones"),
    Target("industry", gettext_lazy("Industry code"), "industry"),
    Target("relationship_types", gettext_lazy("Relationship"), "relationship_types"),
    Target("tags", gettext_lazy("Tags"), "tags"),
    Target("owner", gettext_lazy("Owner (email or name)"), "owner"),
    Target("notes", gettext_lazy("Notes")),
    Target("source_id", gettext_lazy("Source id (the record's id in the source system)")),
]

PERSON_TARGETS = [
    Target("first_name", gettext_lazy("First name")),
    Target("last_name", gettext_lazy("Last name")),
    Target("full_name", gettext_lazy("Full name (split into first and last name)"), "full_name"),
    Target("job_title", gettext_lazy("Job title")),
    Target("email", gettext_lazy("Email")),
    Target("phone", gettext_lazy("Phone")),
    Target("mobile", gettext_lazy("Mobile")),
    Target("more_emails", gettext_lazy("More emails"), "more_emails"),
    Target("more_phones", gettext_lazy("More phones"), "more_phones"),
    Target("home_phones", gettext_lazy("Home phone"), "home_phones"),
    Target("street", gettext_lazy("Street address")),
    Target("postal_code", gettext_lazy("Postal code")),
    Target("city", gettext_lazy("City")),
    Target("country", gettext_lazy("Country"), "country"),
    Target("preferred_language", gettext_lazy("Preferred language"), "language"),
    Target("owner", gettext_lazy("Owner (email or name)"), "owner"),
    Target("tags", gettext_lazy("Tags"), "tags"),
    Target("notes", gettext_lazy("Notes")),
    Target("organization", pgettext_lazy("import target", "Organization (by name)"), "link"),
    Target(
        "organization_business_id",
        gettext_lazy("Organization (by business ID)"),
        "link",
    ),
    Target(
        "organization_source_id",
        gettext_lazy("Organization (by its source id)"),
        "link",
    ),
    Target("role", pgettext_lazy("import target", "Role in the organization"), "link"),
    Target("source_id", gettext_lazy("Source id (the record's id in the source system)")),
]

TARGETS = {
    ImportKind.ORGANIZATIONS: {t.key: t for t in ORGANIZATION_TARGETS},
    ImportKind.PEOPLE: {t.key: t for t in PERSON_TARGETS},
}
# Further emails and phones: several columns may go into each (Outlook's "E-mail 2 Address"
# and "E-mail 3 Address"); a cell may hold several values, each maybe labelled ("home: ...").
FURTHER = {"more_emails": "email", "more_phones": "phone", "home_phones": "phone"}
# Targets that are not fields of the record itself.
NOT_FIELDS = {
    *FURTHER,
    "source_id",
    "full_name",
    "organization",
    "organization_business_id",
    "organization_source_id",
    "role",
}


RECORD_TYPES = {ImportKind.ORGANIZATIONS: "organization", ImportKind.PEOPLE: "person"}


def targets(kind: str) -> dict[str, Target]:
    import_type = registry.get(kind)
    if import_type is not None:
        return {t.key: t for t in import_type.targets}
    custom = custom_fields.definitions(RECORD_TYPES[ImportKind(kind)])
    return {
        **TARGETS[ImportKind(kind)],
        **{f.key: Target(f.key, f.display_label, "custom", f) for f in custom},
    }


def clean_text(raw: str) -> str:
    """A cell's text without the apostrophe a spreadsheet export put before a formula-like
    value. Excel itself never shows a leading apostrophe (it marks text), so a value that
    really starts with one followed by =, +, -, @ cannot be told apart and loses it."""
    text = raw.strip()
    if text.startswith("'") and text[1:2] and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def _names_in_every_language(choices: list[tuple[str, Any]]) -> dict[str, str]:
    names: dict[str, str] = {}
    for language in LANGUAGES:
        with translation.override(language):
            for code, label in choices:
                names[fold(str(label))] = code
    for code, _label in choices:
        names[fold(code)] = code
    return names


class Lookups:
    """Names and codes the cells may use, loaded once per import (not once per row)."""

    def __init__(self) -> None:
        self.countries = _names_in_every_language(COUNTRY_CHOICES)
        self.languages = _names_in_every_language(list(settings.LANGUAGES))
        self.relationship_types: dict[str, RelationshipType] = {}
        for type_ in RelationshipType.objects.all():
            self.relationship_types[fold(type_.code)] = type_
            self.relationship_types[fold(type_.name)] = type_
            for language in LANGUAGES:
                with translation.override(language):
                    self.relationship_types[fold(str(type_))] = type_
        self.industries: dict[str, Industry] = {}
        for industry in Industry.objects.all():
            self.industries[industry.code] = industry
            for language in LANGUAGES:
                self.industries.setdefault(fold(getattr(industry, f"name_{language}")), industry)
        self.detail_labels = _names_in_every_language(list(ContactDetail.Label.choices))
        self.owners: dict[str, User] = {}
        for user in User.objects.filter(is_active=True):
            self.owners.setdefault(fold(user.name), user)
        for user in User.objects.filter(is_active=True):
            self.owners[user.email.lower()] = user


def split_list(text: str) -> list[str]:
    separator = ";" if ";" in text else ","
    return [part.strip() for part in text.split(separator) if part.strip()]


def _country(text: str, lookups: Lookups) -> str:
    code = lookups.countries.get(fold(text))
    if code is None:
        raise ValidationError(_("Unknown country “%(value)s”.") % {"value": text})
    return code


def _language(text: str, lookups: Lookups) -> str:
    code = lookups.languages.get(fold(text)) or lookups.languages.get(fold(text[:2]))
    if code is None:
        raise ValidationError(_("Unknown language “%(value)s”.") % {"value": text})
    return code


def _owner(text: str, lookups: Lookups) -> User:
    user = lookups.owners.get(text.lower()) or lookups.owners.get(fold(text))
    if user is None:
        raise ValidationError(
            _("No active user “%(value)s”: give the owner's email or name.") % {"value": text}
        )
    return user


def _industry(text: str, lookups: Lookups) -> Industry:
    """A code ("41"), a code and name ("41 Construction of buildings") or a name."""
    code = text.split(" ", 1)[0].strip()
    industry = lookups.industries.get(code) or lookups.industries.get(fold(text))
    if industry is None:
        raise ValidationError(_("Unknown industry “%(value)s”.") % {"value": text})
    return industry


def _relationship_types(text: str, lookups: Lookups) -> list[RelationshipType]:
    found = []
    for name in split_list(text):
        type_ = lookups.relationship_types.get(fold(name))
        if type_ is None:
            raise ValidationError(_("Unknown relationship type “%(value)s”.") % {"value": name})
        found.append(type_)
    return found


def split_full_name(text: str) -> tuple[str, str]:
    """ "Virtanen, Matti" or "Matti Virtanen": the last word is the family name unless a
    comma says otherwise."""
    if "," in text:
        last, _comma, first = text.partition(",")
        return first.strip(), last.strip()
    first, _space, last = text.rpartition(" ")
    return first.strip(), last.strip()


def _further(text: str, lookups: Lookups, *, label: str = "other") -> list[dict[str, str]]:
    """'home: a@b.fi; +358 40 123 4567' → the values with their labels (in any language)."""
    found = []
    for part in text.replace("\n", ";").split(";"):
        named, colon, value = part.partition(":")
        code = lookups.detail_labels.get(fold(named)) if colon else None
        found.append({"label": code or label, "value": (value if code else part).strip()})
    return [item for item in found if item["value"]]


CONVERTERS: dict[str, Callable[[str, Lookups], Any]] = {
    "more_emails": _further,
    "more_phones": _further,
    "home_phones": lambda text, lookups: _further(text, lookups, label="home"),
    "country": _country,
    "language": _language,
    "owner": _owner,
    "industry": _industry,
    "relationship_types": _relationship_types,
    "tags": lambda text, _lookups: split_list(text),
}


def convert(target: Target, text: str, lookups: Lookups) -> Any:
    if target.custom is not None:
        return custom_values.parse_text(target.custom, text)
    converter = CONVERTERS.get(target.kind)
    return converter(text, lookups) if converter else text
