"""A user creates an API token in their profile (the secret is shown once), uses it, revokes
it; the API's interactive docs (Swagger UI from django-ninja's own static files, no CDN) load
and list the operations under the site's Content Security Policy."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from sampo.accounts.models import ApiToken
from tests.browser.conftest import log_in
from tests.browser.test_security_headers import RECORD_VIOLATIONS, csp_violations

pytestmark = pytest.mark.browser


def test_it_creates_shows_once_uses_and_revokes_a_token(page: Page, seller, screenshot):
    log_in(page, seller, next_path="/profile/api-tokens/")
    page.goto("/profile/api-tokens/")
    page.fill("input[name=name]", "Verkkokauppa")
    page.select_option("select[name=scope]", "read")
    with page.expect_navigation():
        page.get_by_role("button", name="Create token").click()

    secret = page.locator("#token-secret").inner_text().strip()
    assert secret.startswith("sampo_")
    screenshot("token-shown-once")
    api = Client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert api.get("/api/v1/organizations", headers=headers).status_code == 200

    page.goto("/profile/api-tokens/")  # a fresh visit, not a re-sent form
    expect(page.locator("#token-secret")).to_have_count(0)
    expect(page.get_by_role("cell", name="Verkkokauppa")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("revoked")).to_be_visible()
    screenshot("token-revoked")
    assert ApiToken.objects.get(user=seller).revoked_at is not None
    assert api.get("/api/v1/organizations", headers=headers).status_code == 401


def test_the_api_docs_work_under_the_csp_without_a_cdn(page: Page, admin, screenshot):
    page.context.add_init_script(RECORD_VIOLATIONS)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, admin)

    response = page.goto("/api/v1/docs")

    assert response is not None
    assert response.ok
    expect(page.get_by_text("List organizations")).to_be_visible()
    screenshot("swagger-ui")
    assert csp_violations(page) == []
    origin = page.url.split("/api/")[0]
    assert [url for url in requested if not url.startswith((origin, "data:"))] == []
