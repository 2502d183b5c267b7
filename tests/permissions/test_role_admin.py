"""Admins change what a role may do in the product's admin pages, and every screen follows."""

from __future__ import annotations

import pytest

from sampo.accounts.models import Role, RoleRight
from sampo.contacts import services as contacts
from sampo.core.models import AuditEvent
from sampo.core.selectors import history_of
from sampo.mail import services as mail
from sampo.mail.tests import samples

pytestmark = pytest.mark.django_db


def test_narrowing_a_roles_reads_hides_other_records_everywhere(client, admin, seller, teammate):
    own = contacts.organization_create(actor=seller, values={"name": "Oma Asiakas Oy"})
    other = contacts.organization_create(actor=teammate, values={"name": "Toisen Asiakas Oy"})
    salesperson = Role.objects.get(code=Role.SALESPERSON)
    client.force_login(admin)

    response = client.post(
        f"/admin/roles/{salesperson.pk}/",
        {"contacts.organization:read": "own"}
        | {
            f"{key}:{action}": scope
            for key, action, scope in [
                ("contacts.organization", "create", "all"),
                ("contacts.organization", "edit", "own"),
                ("contacts.organization", "delete", "own"),
            ]
        },
    )

    assert response.status_code == 302
    assert RoleRight.objects.get(role=salesperson, action="read").scope == "own"
    assert history_of(salesperson).filter(event="rights_changed").exists()
    assert AuditEvent.objects.filter(action="rights_changed", actor=admin).exists()
    client.force_login(seller)
    listed = client.get("/organizations/").content.decode()
    assert "Oma Asiakas Oy" in listed
    assert "Toisen Asiakas Oy" not in listed
    assert client.get(f"/organizations/{other.pk}/").status_code == 404
    assert "Toisen" not in client.get("/search/", {"q": "Asiakas"}).content.decode()
    export = b"".join(client.get("/organizations/export.csv").streaming_content)
    assert "Oma Asiakas Oy" in export.decode()
    assert "Toisen" not in export.decode()
    assert client.get(f"/organizations/{own.pk}/").status_code == 200


def test_a_new_role_starts_from_another_roles_rights(client, admin):
    client.force_login(admin)

    client.post(
        "/admin/roles/new/",
        {"name": "Key account manager", "like": Role.objects.get(code=Role.SALES_MANAGER).pk},
    )

    role = Role.objects.get(name="Key account manager")
    page = client.get(f"/admin/roles/{role.pk}/").content.decode()
    assert (
        RoleRight.objects.filter(role=role, record_type="sales.opportunity", action="edit")
        .get()
        .scope
        == "team"
    )
    assert 'data-testid="rights"' in page


def test_the_admin_role_keeps_every_right(client, admin):
    admin_role = Role.objects.get(code=Role.ADMIN)
    client.force_login(admin)

    client.post(f"/admin/roles/{admin_role.pk}/", {"contacts.organization:read": "none"})

    assert not RoleRight.objects.filter(role=admin_role).exists()


def test_bad_input_changes_nothing(client, admin):
    salesperson = Role.objects.get(code=Role.SALESPERSON)
    client.force_login(admin)

    response = client.post(
        f"/admin/roles/{salesperson.pk}/", {"contacts.organization:read": "everything"}
    )

    assert response.status_code == 200
    assert not RoleRight.objects.filter(role=salesperson).exists()


def test_narrowed_reads_hide_people_on_an_organization_page_and_emails_of_hidden_activities(
    client, seller, teammate
):
    company = contacts.organization_create(actor=seller, values={"name": "Yhteinen Oy"})
    contacts.person_create(
        actor=teammate, values={"first_name": "Piilo", "last_name": "Henkilö"}, organization=company
    )
    hidden = contacts.person_create(
        actor=teammate,
        values={
            "first_name": "Maija",
            "last_name": "Lehtonen",
            "email": "maija.lehtonen@virtanen.example",
        },
    )
    received = mail.email_receive(raw_bytes=samples.simple())
    salesperson = Role.objects.get(code=Role.SALESPERSON)
    RoleRight.objects.create(
        role=salesperson, record_type="contacts.person", action="read", scope="own"
    )
    RoleRight.objects.create(
        role=salesperson, record_type="activities.activity", action="read", scope="own"
    )
    client.force_login(seller)

    page = client.get(f"/organizations/{company.pk}/").content.decode()
    assert "Piilo" not in page
    assert client.get(f"/people/{hidden.pk}/").status_code == 404
    assert client.get(f"/mail/messages/{received.message.pk}/").status_code == 404
