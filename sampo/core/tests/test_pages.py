from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from sampo.accounts import services
from sampo.accounts.models import Team


def test_the_home_page_shows_the_users_teams_and_recent_changes(client, admin, sales_team):
    services.team_create(actor=admin, name="Export Hungary")
    sales_team.members.add(admin)
    client.force_login(admin)

    body = client.get("/").content.decode()

    assert "Welcome, Anna Admin" in body
    assert "Myynti Etelä" in body
    assert "Export Hungary" in body  # created by the admin: a recent change


def test_the_menu_shows_admin_pages_only_to_admins(client, admin, seller):
    client.force_login(seller)
    seller_page = client.get("/").content.decode()
    client.force_login(admin)
    admin_page = client.get("/").content.decode()

    assert "/admin/users/" not in seller_page
    assert "/admin/users/" in admin_page
    assert "/trash/" in admin_page


def test_an_unknown_page_is_a_translated_404(client, seller):
    seller.language = "fi"
    seller.save(update_fields=["language"])
    client.force_login(seller)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert '<html lang="fi">' in response.content.decode()


def test_a_server_error_shows_the_friendly_page(db, settings):
    from sampo.core.errors import server_error

    with translation.override("en"):
        response = server_error(None)  # type: ignore[arg-type]

    assert response.status_code == 500
    assert "Nothing you had already saved is lost" in response.content.decode()


def test_pages_carry_the_security_headers(client, seller):
    client.force_login(seller)

    response = client.get("/")

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_forms_are_protected_against_cross_site_requests(seller):
    client = Client(enforce_csrf_checks=True)
    client.force_login(seller)

    response = client.post("/profile/", {"name": "Hijacked"})

    assert response.status_code == 403


def test_the_health_check_answers_without_login(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize("name", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'])
def test_user_supplied_text_is_escaped(client, admin, name):
    team = services.team_create(actor=admin, name=name)
    client.force_login(admin)

    body = client.get(f"/admin/teams/{team.pk}/").content.decode()

    assert name not in body
    assert Team.objects.filter(name=name).exists()
