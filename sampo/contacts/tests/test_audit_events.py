"""Exports, imports, merges and their undo write audit events; refused ones write none."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from sampo.contacts import merge, services
from sampo.contacts.imports import services as imports
from sampo.contacts.imports.undo import import_undo
from sampo.contacts.tests.imports.support import csv_bytes, run_import
from sampo.core.models import AuditEvent


@pytest.mark.parametrize(
    ("path", "what", "file_format"),
    [
        ("/organizations/export.csv", "organizations", "csv"),
        ("/organizations/export.xlsx", "organizations", "xlsx"),
        ("/people/export.csv", "people", "csv"),
        ("/people/export.xlsx", "people", "xlsx"),
        ("/people/export.vcf", "people", "vcf"),
    ],
)
def test_each_export_is_audited_with_its_filters(client, seller, path, what, file_format):
    client.force_login(seller)

    response = client.get(path, {"q": "virtanen", "page": "2"}, REMOTE_ADDR="192.0.2.10")

    assert response.status_code == 200
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.ip_address) == ("export", seller, "192.0.2.10")
    assert event.details == {"what": what, "format": file_format, "filters": {"q": ["virtanen"]}}


def test_a_single_vcard_is_audited_with_the_person(client, seller):
    person = services.person_create(actor=seller, values={"last_name": "Lehtonen"})
    client.force_login(seller)

    client.get(f"/people/{person.pk}/vcard.vcf")

    event = AuditEvent.objects.get()
    assert (event.action, event.target_id, event.target_label) == (
        "export",
        str(person.pk),
        str(person),
    )


def test_a_refused_export_writes_no_event(client, seller):
    seller.is_active = False
    seller.save(update_fields=["is_active"])
    client.force_login(seller)

    client.get("/organizations/export.csv")

    assert not AuditEvent.objects.exists()


def test_starting_an_import_is_audited(client, seller, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    batch = imports.import_upload(
        actor=seller,
        kind="organizations",
        file_name="asiakkaat.csv",
        content=csv_bytes([["Nimi"], ["Uusi Oy"]]),
    )

    imports.import_start(actor=seller, batch=batch)
    imports.import_start(actor=seller, batch=batch)  # a second click queues nothing more

    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.target_id) == ("import_started", seller, str(batch.pk))
    assert event.details == {"kind": "organizations", "file": "asiakkaat.csv", "rows": 1}


def test_starting_someone_elses_import_is_refused_and_writes_no_event(
    seller, teammate, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    batch = imports.import_upload(
        actor=seller,
        kind="organizations",
        file_name="asiakkaat.csv",
        content=csv_bytes([["Nimi"], ["Uusi Oy"]]),
    )

    with pytest.raises(PermissionDenied):
        imports.import_start(actor=teammate, batch=batch)

    assert not AuditEvent.objects.exists()


def test_an_import_from_the_command_line_and_its_undo_are_audited(seller, admin):
    batch = run_import(seller, "organizations", [["Nimi"], ["Uusi Oy"]])

    import_undo(actor=admin, batch=batch)

    assert list(AuditEvent.objects.order_by("id").values_list("action", "actor")) == [
        ("import_started", seller.pk),
        ("import_undone", admin.pk),
    ]
    assert AuditEvent.objects.get(action="import_undone").details["trashed"] == 1


def test_a_dry_run_import_leaves_no_event(seller):
    run_import(seller, "organizations", [["Nimi"], ["Uusi Oy"]], dry_run=True)

    assert not AuditEvent.objects.exists()


def _org(actor, name: str):
    return services.organization_create(actor=actor, values={"name": name}, allow_duplicate=True)


def test_a_merge_and_its_undo_are_audited(seller):
    survivor = _org(seller, "Virtanen Oy")
    other = _org(seller, "Virtanen")

    done = merge.record_merge(actor=seller, survivor=survivor, others=[other])
    merge.merge_undo(actor=seller, merge=done)

    events = list(AuditEvent.objects.order_by("id"))
    assert [(e.action, e.target_id) for e in events] == [
        ("merge", str(survivor.pk)),
        ("merge_undone", str(survivor.pk)),
    ]
    assert events[0].details == {"merged_ids": [other.pk], "merged": ["Virtanen"]}


def test_a_refused_merge_writes_no_event(seller, outsider):
    survivor = _org(seller, "Virtanen Oy")
    other = _org(seller, "Virtanen")

    with pytest.raises(PermissionDenied):
        merge.record_merge(actor=outsider, survivor=survivor, others=[other])

    assert not AuditEvent.objects.exists()
