"""Columns guessed from the headers people's files have."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from sampo.contacts import exports
from sampo.contacts.imports.mapping import guess_mapping, validate_mapping


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["Nimi", "Y-tunnus", "Sähköposti", "Puhelin", "Osoite", "Postinumero", "Kaupunki"],
            ["name", "business_id", "email", "phone", "street", "postal_code", "city"],
        ),
        (
            ["Név", "Adószám", "E-mail cím", "Telefonszám", "Cím", "Irányítószám", "Város"],
            ["name", "business_id", "email", "phone", "street", "postal_code", "city"],
        ),
        (
            ["Company name", "VAT number", "Email", "Phone", "Website", "Tags", "Owner", "ID"],
            ["name", "business_id", "email", "phone", "website", "tags", "owner", "source_id"],
        ),
    ],
)
def test_it_guesses_organization_columns_in_finnish_hungarian_and_english(db, headers, expected):
    assert guess_mapping("organizations", headers) == expected


def test_it_guesses_person_columns_of_an_outlook_export(db):
    headers = [
        "First Name",
        "Middle Name",
        "Last Name",
        "Company",
        "Job Title",
        "Business Street",
        "Business City",
        "Business Postal Code",
        "Business Country/Region",
        "Business Phone",
        "Mobile Phone",
        "E-mail Address",
        "Notes",
        "Categories",
    ]

    assert guess_mapping("people", headers) == [
        "first_name",
        "",
        "last_name",
        "organization",
        "job_title",
        "street",
        "city",
        "postal_code",
        "country",
        "phone",
        "mobile",
        "email",
        "notes",
        "tags",
    ]


def test_it_guesses_person_columns_of_a_google_contacts_export(db):
    headers = [
        "Name",
        "Given Name",
        "Family Name",
        "E-mail 1 - Type",
        "E-mail 1 - Value",
        "Phone 1 - Type",
        "Phone 1 - Value",
        "Phone 2 - Value",
        "Organization 1 - Name",
        "Organization 1 - Title",
        "Address 1 - City",
    ]

    assert guess_mapping("people", headers) == [
        "full_name",
        "first_name",
        "last_name",
        "",
        "email",
        "",
        "phone",
        "mobile",
        "organization",
        "job_title",
        "city",
    ]


def test_it_guesses_person_columns_in_finnish_and_hungarian(db):
    assert guess_mapping("people", ["Etunimi", "Sukunimi", "Sähköposti", "Matkapuhelin"]) == [
        "first_name",
        "last_name",
        "email",
        "mobile",
    ]
    assert guess_mapping("people", ["Vezetéknév", "Keresztnév", "Beosztás", "Cég"]) == [
        "last_name",
        "first_name",
        "job_title",
        "organization",
    ]


@pytest.mark.parametrize("language", ["en", "fi", "hu"])
def test_it_maps_every_column_of_its_own_people_export_in_each_language(db, language):
    with translation.override(language):
        headers = exports.headers(exports.PERSON_COLUMNS)

    assert guess_mapping("people", headers) == [
        "first_name",
        "last_name",
        "job_title",
        "organization",
        "email",
        "phone",
        "mobile",
        "more_emails",
        "more_phones",
        "city",
        "country",
        "preferred_language",
        "owner",
        "tags",
    ]


def test_a_field_is_given_to_one_column_only(db):
    assert guess_mapping("organizations", ["Nimi", "Name"]) == ["name", ""]


def test_it_refuses_a_mapping_without_the_name(db):
    with pytest.raises(ValidationError, match="name"):
        validate_mapping("organizations", ["email", ""])
    with pytest.raises(ValidationError, match="several"):
        validate_mapping("people", ["last_name", "last_name"])


def test_several_columns_may_go_into_the_further_emails_and_phones(db):
    outlook = ["First Name", "Last Name", "E-mail Address", "E-mail 2 Address", "E-mail 3 Address"]
    outlook += ["Business Phone", "Business Phone 2", "Home Phone", "Mobile Phone"]
    google = ["Given Name", "Family Name", "E-mail 1 - Value", "E-mail 2 - Value"]

    assert guess_mapping("people", outlook) == [
        "first_name",
        "last_name",
        "email",
        "more_emails",
        "more_emails",
        "phone",
        "more_phones",
        "home_phones",
        "mobile",
    ]
    assert guess_mapping("people", google)[2:] == ["email", "more_emails"]
    assert validate_mapping("people", ["last_name", "more_emails", "more_emails"])
