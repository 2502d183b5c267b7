"""Several emails and phones per record: stored normalized beside the primary columns, edited
in the record's form, shown on its page, in its history, matched by the duplicate guard and
report, and carried through a merge and its undo."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from sampo.contacts import merge, services
from sampo.contacts.duplicates import duplicate_pairs
from sampo.contacts.models import (
    Organization,
    OrganizationContactDetail,
    Person,
    PersonContactDetail,
)
from sampo.core.models import HistoryEntry


def _details(record):
    return sorted((d.kind, d.label, d.value) for d in record.contact_details.all())


def _person(actor, last_name, details=(), **values):
    return services.person_create(
        actor=actor,
        values={
            "first_name": "Anna",
            "last_name": last_name,
            **values,
            "contact_details": list(details),
        },
        allow_duplicate=True,
    )


def test_it_stores_further_emails_lowercased_and_phones_in_e164(seller):
    person = _person(
        seller,
        "Kallio",
        [
            {"kind": "email", "label": "home", "value": " Anna.Kallio@Koti.Example "},
            {"kind": "phone", "label": "mobile", "value": "050 765 4321"},
            {"kind": "phone", "label": "home", "value": ""},  # a blank row is no value
        ],
        email="anna@tyo.example",
    )

    assert _details(person) == [
        ("email", "home", "anna.kallio@koti.example"),
        ("phone", "mobile", "+358507654321"),
    ]
    created = HistoryEntry.objects.get(object_id=str(person.pk), action="created")
    assert "home: anna.kallio@koti.example" in str(created.changes)


def test_a_bad_further_value_is_refused_and_nothing_is_saved(seller):
    with pytest.raises(ValidationError) as refused:
        _person(seller, "Kallio", [{"kind": "email", "label": "home", "value": "not-an-address"}])

    assert "“not-an-address” is not a valid email address." in str(refused.value)
    assert not Person.objects.exists()


def test_an_edit_replaces_them_and_the_history_shows_before_and_after(seller):
    person = _person(
        seller, "Kallio", [{"kind": "email", "label": "home", "value": "a@koti.example"}]
    )

    services.person_update(
        actor=seller,
        person=person,
        values={"contact_details": [{"kind": "phone", "label": "home", "value": "09 123 4567"}]},
        expected_version=person.version,
    )

    assert _details(person) == [("phone", "home", "+35891234567")]
    change = HistoryEntry.objects.get(object_id=str(person.pk), action="changed").changes[0]
    assert change["field"] == "contact_details"
    assert change["old_label"] == "home: a@koti.example"
    assert change["new_label"] == "home: 09 1234567"


def test_an_edit_without_them_leaves_them_be(seller):
    person = _person(
        seller, "Kallio", [{"kind": "email", "label": "home", "value": "a@koti.example"}]
    )

    services.person_update(
        actor=seller, person=person, values={"job_title": "CEO"}, expected_version=None
    )

    assert _details(person) == [("email", "home", "a@koti.example")]


def test_making_a_further_value_primary_swaps_it_with_the_column(seller):
    person = _person(seller, "Kallio", email="a@tyo.example", mobile="040 111 2222")

    updated = services.person_update(
        actor=seller,
        person=person,
        values={
            "contact_details": [
                {"kind": "email", "label": "home", "value": "a@koti.example", "primary": True},
                {"kind": "phone", "label": "mobile", "value": "050 333 4444", "primary": True},
            ]
        },
        expected_version=None,
    )

    assert (updated.email, updated.mobile) == ("a@koti.example", "+358503334444")
    assert _details(updated) == [
        ("email", "work", "a@tyo.example"),
        ("phone", "mobile", "+358401112222"),
    ]


def test_an_organization_keeps_a_further_billing_address(seller):
    organization = services.organization_create(
        actor=seller,
        values={
            "name": "Kone Oyj",
            "email": "info@kone.example",
            "contact_details": [
                {"kind": "email", "label": "billing", "value": "laskut@kone.example"},
                {"kind": "email", "label": "home", "value": "x@kone.example"},  # not an org's
            ],
        },
    )

    assert _details(organization) == [
        ("email", "billing", "laskut@kone.example"),
        ("email", "other", "x@kone.example"),
    ]


def test_the_guard_matches_any_email_or_phone_against_any_of_a_record(seller):
    existing = _person(
        seller,
        "Kallio",
        [{"kind": "email", "label": "home", "value": "anna@koti.example"}],
        mobile="040 111 2222",
    )

    with pytest.raises(services.DuplicateError) as by_further_email:
        services.person_create(
            actor=seller, values={"last_name": "Virta", "email": "ANNA@koti.example"}
        )
    with pytest.raises(services.DuplicateError) as by_own_further_phone:
        services.person_create(
            actor=seller,
            values={
                "last_name": "Virta",
                "contact_details": [{"kind": "phone", "label": "work", "value": "+358401112222"}],
            },
        )

    assert [m.record for m in by_further_email.value.matches] == [existing]
    assert by_further_email.value.matches[0].reason == "email"
    assert by_own_further_phone.value.matches[0].reason == "phone"


def test_the_organization_guard_matches_a_further_phone(seller):
    existing = services.organization_create(
        actor=seller,
        values={
            "name": "Kone Oyj",
            "contact_details": [{"kind": "phone", "label": "work", "value": "09 123 4567"}],
        },
    )

    with pytest.raises(services.DuplicateError) as refused:
        services.organization_create(
            actor=seller, values={"name": "Hissitehdas", "phone": "+358 9 1234567"}
        )

    assert [m.record for m in refused.value.matches] == [existing]


def test_the_report_pairs_records_that_share_a_further_value(seller):
    anna = _person(seller, "Kallio", email="anna@tyo.example")
    other = _person(
        seller, "Virta", [{"kind": "email", "label": "work", "value": "anna@tyo.example"}]
    )
    first = _person(seller, "Niemi", [{"kind": "phone", "label": "home", "value": "09 123 4567"}])
    second = _person(seller, "Laine", [{"kind": "phone", "label": "work", "value": "09 123 4567"}])
    _person(seller, "Aho", [{"kind": "phone", "label": "work", "value": "09 765 4321"}])

    pairs = {(p.first.pk, p.second.pk): p.reasons for p in duplicate_pairs(Person)}

    assert pairs == {(anna.pk, other.pk): ["email"], (first.pk, second.pk): ["phone"]}


def test_the_report_leaves_trashed_records_out(seller):
    _person(seller, "Kallio", email="anna@tyo.example")
    other = _person(
        seller, "Virta", [{"kind": "email", "label": "work", "value": "anna@tyo.example"}]
    )
    services.person_trash(actor=seller, person=other)

    assert duplicate_pairs(Person) == []


def test_a_merge_moves_them_keeps_the_others_primary_values_and_undo_restores(seller):
    survivor = _person(seller, "Kallio", email="anna@tyo.example", phone="09 111 1111")
    other = _person(
        seller,
        "Kallio",
        [{"kind": "email", "label": "home", "value": "anna@koti.example"}],
        email="a.kallio@vanha.example",
        phone="09 111 1111",
    )

    done = merge.record_merge(actor=seller, survivor=survivor, others=[other])

    assert _details(survivor) == [
        ("email", "home", "anna@koti.example"),
        ("email", "work", "a.kallio@vanha.example"),
    ]
    entry = HistoryEntry.objects.get(object_id=str(survivor.pk), event="merged")
    assert "contact_details" in {change["field"] for change in entry.changes}

    merge.merge_undo(actor=seller, merge=done)

    assert _details(survivor) == []
    assert _details(other) == [("email", "home", "anna@koti.example")]
    assert PersonContactDetail.objects.count() == 1


def test_trashing_and_restoring_keeps_them(seller):
    organization = services.organization_create(
        actor=seller,
        values={
            "name": "Kone Oyj",
            "contact_details": [{"kind": "phone", "label": "work", "value": "09 123 4567"}],
        },
    )
    services.organization_trash(actor=seller, organization=organization)

    assert OrganizationContactDetail.objects.filter(organization=organization).count() == 1
    assert Organization.all_objects.get(pk=organization.pk).deleted_at is not None
