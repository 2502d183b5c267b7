"""Undoing an import puts the register back as it was."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sampo.contacts import services
from sampo.contacts.imports import services as imports
from sampo.contacts.imports.models import ExternalId, ImportBatch
from sampo.contacts.models import Membership, Organization, Person, Tag
from sampo.contacts.tests.imports.support import run_import
from sampo.core.history import snapshot

ROWS = [
    ["Tunniste", "Etunimi", "Sukunimi", "Sähköposti", "Puhelin", "Tunnisteet", "Yritys"],
    ["p1", "Matti", "Virtanen", "matti@virtanen.fi", "040 765 4321", "vip, messut", "Uusi Oy"],
    ["p2", "Liisa", "Laine", "liisa@laine.fi", "", "", "Vanha Oy"],
]


def test_undo_trashes_what_the_import_created_and_restores_what_it_changed_exactly(seller, admin):
    old = services.organization_create(actor=seller, values={"name": "Vanha Oy"})
    matti = services.person_create(
        actor=seller,
        values={
            "first_name": "Matti",
            "last_name": "Virtanen",
            "email": "matti@virtanen.fi",
            "phone": "040 123 4567",
            "job_title": "CEO",
        },
    )
    before = snapshot(Person.objects.get(pk=matti.pk))
    batch = run_import(seller, "people", ROWS)
    assert (batch.created_count, batch.updated_count) == (1, 1)
    assert Tag.objects.count() == 2
    assert Organization.objects.count() == 2

    result = imports.import_undo(actor=admin, batch=batch)

    assert snapshot(Person.objects.get(pk=matti.pk)) == before
    assert not Person.objects.filter(last_name="Laine").exists()
    assert Person.all_objects.get(last_name="Laine").deleted_by == admin  # in the trash
    assert list(Organization.objects.all()) == [old]
    assert not Membership.objects.filter(person=matti).exists()
    assert not ExternalId.objects.exists()
    assert not Tag.objects.exists()
    assert (result.trashed, result.restored) == (2, 1)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UNDONE


def test_undo_keeps_a_field_someone_changed_after_the_import(seller, admin):
    matti = services.person_create(
        actor=seller, values={"last_name": "Virtanen", "email": "matti@virtanen.fi"}
    )
    batch = run_import(seller, "people", ROWS[:2])
    matti.refresh_from_db()
    services.person_update(
        actor=seller, person=matti, values={"phone": "050 111 2222"}, expected_version=None
    )

    result = imports.import_undo(actor=admin, batch=batch)

    matti.refresh_from_db()
    assert matti.phone == "+358501112222"
    assert matti.first_name == ""  # the import set it; nobody touched it since
    assert result.kept_fields == 1


def test_only_an_admin_undoes_and_only_within_the_undo_time(seller, admin, settings):
    batch = run_import(seller, "people", ROWS[:2])
    with pytest.raises(PermissionDenied):
        imports.import_undo(actor=seller, batch=batch)

    ImportBatch.objects.filter(pk=batch.pk).update(
        finished_at=timezone.now() - datetime.timedelta(hours=settings.IMPORT_UNDO_HOURS + 1)
    )
    with pytest.raises(ValidationError):
        imports.import_undo(actor=admin, batch=ImportBatch.objects.get(pk=batch.pk))
    assert Person.objects.count() == 1


def test_an_undone_import_cannot_be_undone_twice(seller, admin):
    batch = run_import(seller, "people", ROWS[:2])
    imports.import_undo(actor=admin, batch=batch)

    with pytest.raises(ValidationError):
        imports.import_undo(actor=admin, batch=batch)


def test_undo_removes_the_further_emails_and_phones_an_import_added(seller, admin):
    matti = services.person_create(
        actor=seller,
        values={
            "last_name": "Virtanen",
            "email": "matti@virtanen.fi",
            "contact_details": [{"kind": "email", "label": "home", "value": "matti@koti.fi"}],
        },
    )
    before = snapshot(Person.objects.get(pk=matti.pk))
    batch = run_import(
        seller,
        "people",
        [["Email", "Last name", "More emails", "Home phone"],
         ["matti@virtanen.fi", "Virtanen", "matti@koti.fi; m@vanha.fi", "09 123 4567"]],
        match=["email"],
    )  # fmt: skip
    assert sorted(matti.contact_details.values_list("value", flat=True)) == [
        "+35891234567",
        "m@vanha.fi",
        "matti@koti.fi",
    ]

    imports.import_undo(actor=admin, batch=batch)

    assert snapshot(Person.objects.get(pk=matti.pk)) == before
