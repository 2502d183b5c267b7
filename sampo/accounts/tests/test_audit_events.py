"""Logins, logouts, passwords and changes to users and teams write their audit events; refused
attempts to change them write none."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from conftest import PASSWORD
from sampo.accounts import services
from sampo.accounts.models import Role, Team
from sampo.core.models import AuditEvent


def test_a_login_is_audited_with_the_address_and_browser(client, seller):
    client.post(
        "/login/",
        {"username": seller.email, "password": PASSWORD},
        headers={"user-agent": "Firefox/130"},
        REMOTE_ADDR="198.51.100.7",
    )

    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.actor_label) == ("login", seller, seller.email)
    assert (event.ip_address, event.user_agent) == ("198.51.100.7", "Firefox/130")


def test_the_forwarded_address_counts_only_behind_a_proxy(client, seller, settings):
    def login_from_proxy():
        client.post(
            "/login/",
            {"username": seller.email, "password": PASSWORD},
            headers={"x-forwarded-for": "192.0.2.66, 203.0.113.9"},
            REMOTE_ADDR="10.0.0.2",
        )
        client.post("/logout/")
        return AuditEvent.objects.filter(action="login").latest("id").ip_address

    assert login_from_proxy() == "10.0.0.2", "without a proxy the header is ignored"
    settings.BEHIND_PROXY = True
    assert login_from_proxy() == "203.0.113.9", "the address the proxy saw, not a spoofed one"


def test_a_wrong_password_is_audited_as_a_failed_login(client, seller):
    client.post("/login/", {"username": seller.email, "password": "wrong"})

    event = AuditEvent.objects.get()
    assert (event.action, event.actor) == ("login_failed", seller)
    assert event.details == {"reason": "wrong_password", "email": seller.email}


def test_a_login_with_an_unknown_email_is_audited_with_the_email_tried(client, db):
    client.post("/login/", {"username": "Nobody@Example.com", "password": "guess"})

    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.actor_label) == (
        "login_failed",
        None,
        "nobody@example.com",
    )
    assert event.details["reason"] == "unknown_email"


def test_a_locked_out_login_is_audited_once_per_attempt(client, seller, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": seller.email, "password": "wrong"})

    client.post("/login/", {"username": seller.email, "password": PASSWORD})

    failures = AuditEvent.objects.filter(action="login_failed")
    assert failures.count() == settings.AXES_FAILURE_LIMIT + 1
    assert failures.filter(details__reason="locked_out").count() >= 1
    assert not AuditEvent.objects.filter(action="login").exists()


def test_a_logout_is_audited(client, seller):
    client.force_login(seller)

    client.post("/logout/")

    assert AuditEvent.objects.get().action == "logout"


def test_a_password_change_is_audited(client, seller):
    client.force_login(seller)

    client.post(
        "/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer new passphrase",
            "new_password2": "a much longer new passphrase",
        },
    )

    assert AuditEvent.objects.get(action="password_changed").actor == seller


def test_a_refused_password_change_writes_no_event(client, seller):
    client.force_login(seller)

    client.post(
        "/password/change/",
        {"old_password": "wrong", "new_password1": "x y z w v", "new_password2": "x y z w v"},
    )

    assert not AuditEvent.objects.exists()


def test_a_password_reset_request_is_audited_also_for_unknown_addresses(client, seller):
    client.post("/password/reset/", {"email": seller.email})
    client.post("/password/reset/", {"email": "nobody@sampo.test"})

    events = AuditEvent.objects.filter(action="password_reset_requested").order_by("id")
    assert [(e.actor, e.actor_label) for e in events] == [
        (seller, seller.email),
        (None, "nobody@sampo.test"),
    ]


def test_a_role_change_is_audited_with_old_and_new(client, admin, seller):
    client.force_login(admin)
    manager_role = Role.objects.get(code=Role.SALES_MANAGER)

    client.post(
        f"/admin/users/{seller.pk}/edit/",
        {
            "name": seller.name,
            "email": seller.email,
            "role": manager_role.pk,
            "language": "fi",
            "time_zone": seller.time_zone,
            "version": seller.version,
        },
    )

    event = AuditEvent.objects.get(action="user_changed")
    assert (event.actor, event.target_id) == (admin, str(seller.pk))
    assert event.details == {"role": {"old": Role.SALESPERSON, "new": Role.SALES_MANAGER}}


def test_a_profile_edit_is_not_a_permission_change(seller):
    services.user_update(actor=seller, user=seller, values={"name": "M"}, expected_version=None)

    assert not AuditEvent.objects.exists()


def test_a_refused_role_change_writes_no_event(seller, teammate):
    role = Role.objects.get(code=Role.ADMIN)

    with pytest.raises(PermissionDenied):
        services.user_update(
            actor=seller, user=teammate, values={"role": role}, expected_version=None
        )

    assert not AuditEvent.objects.exists()


def test_creating_deactivating_and_reactivating_users_is_audited(admin, seller):
    created = services.user_create(
        actor=admin,
        email="new@sampo.test",
        name="New",
        role=Role.objects.get(code=Role.SUPPORT),
        send_invitation=False,
    )
    services.user_deactivate(actor=admin, user=seller)
    services.user_reactivate(actor=admin, user=seller)

    assert list(AuditEvent.objects.order_by("id").values_list("action", "target_id")) == [
        ("user_created", str(created.pk)),
        ("user_deactivated", str(seller.pk)),
        ("user_reactivated", str(seller.pk)),
    ]


def test_team_membership_and_leader_changes_are_audited(admin, manager, seller, teammate):
    team = services.team_create(actor=admin, name="Pohjoinen", leader=manager, members=[seller])

    services.team_update(
        actor=admin, team=team, values={"members": [seller, teammate]}, expected_version=None
    )
    services.team_trash(actor=admin, team=team)

    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events] == ["team_created", "team_changed", "team_deleted"]
    assert events[1].details == {
        "members": {"old": [seller.email], "new": sorted([seller.email, teammate.email])}
    }


def test_a_refused_team_change_writes_no_event(manager, seller):
    team = Team.objects.create(name="T")

    with pytest.raises(PermissionDenied):
        services.team_update(
            actor=manager, team=team, values={"members": [seller]}, expected_version=None
        )

    assert not AuditEvent.objects.exists()
