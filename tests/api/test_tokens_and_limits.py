"""Tokens and the rate limit as a client meets them: 429 with Retry-After past the limit, 401
for a revoked token or a deactivated user, the last-used time, the `sampo token` command and
the profile's token page."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.utils import timezone

from sampo.accounts import api_tokens
from sampo.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    cache.clear()


def test_it_answers_429_with_retry_after_and_a_problem_past_the_limit(
    settings: Any, admin: Any, api_as: Any
) -> None:
    settings.SAMPO_API_RATE_LIMIT_PER_MINUTE = 3
    api = api_as(admin, "read")

    answers = [api.get("/organizations") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["type"].endswith("/rate-limited")
    assert refused.json()["status"] == 429


def test_it_counts_the_limit_per_token(settings: Any, admin: Any, api_as: Any) -> None:
    settings.SAMPO_API_RATE_LIMIT_PER_MINUTE = 1
    first, second = api_as(admin, "read"), api_as(admin, "read")

    assert first.get("/organizations").status_code == 200
    assert first.get("/organizations").status_code == 429
    assert second.get("/organizations").status_code == 200


def test_it_refuses_a_revoked_token_with_401(admin: Any, api_as: Any) -> None:
    api = api_as(admin, "read")
    token = ApiToken.objects.get(user=admin)
    api_tokens.api_token_revoke(actor=admin, token=token)

    refused = api.get("/organizations")

    assert refused.status_code == 401
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert refused.json()["type"].endswith("/unauthenticated")


def test_it_refuses_the_token_of_a_deactivated_user_with_401(seller: Any, api_as: Any) -> None:
    api = api_as(seller, "write")
    assert api.get("/organizations").status_code == 200
    seller.is_active = False
    seller.save(update_fields=["is_active"])

    assert api.get("/organizations").status_code == 401
    assert api.post("/organizations", {"name": "Ei Oy"}).status_code == 401


def test_it_records_when_a_token_was_last_used(admin: Any, api_as: Any) -> None:
    api = api_as(admin, "read")
    token = ApiToken.objects.get(user=admin)
    assert token.last_used_at is None

    api.get("/organizations")

    token.refresh_from_db()
    assert token.last_used_at is not None
    assert timezone.now() - token.last_used_at < datetime.timedelta(minutes=1)


def _command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_token_command_creates_lists_and_revokes(admin: Any, client: Any) -> None:
    secret, note = _command("create", admin.email, "--scope", "write", "--name", "erp")
    secret = secret.strip()
    assert secret.startswith("sampo_")
    assert "write" in note
    assert (
        client.get(
            "/api/v1/organizations", headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 200
    )

    listing, _err = _command("list", admin.email)
    token = ApiToken.objects.get(user=admin)
    assert token.prefix in listing
    assert "erp" in listing
    assert "active" in listing
    assert secret not in listing

    revoked, _err = _command("revoke", admin.email, token.prefix)
    assert "Revoked" in revoked
    assert (
        client.get(
            "/api/v1/organizations", headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 401
    )
    assert "revoked" in _command("list", admin.email)[0]


def test_the_token_command_refuses_an_unknown_user_and_scope(admin: Any) -> None:
    with pytest.raises(CommandError):
        _command("create", "nobody@sampo.test")
    with pytest.raises(CommandError):
        _command("create", admin.email, "--scope", "admin")
    with pytest.raises(CommandError):
        _command("revoke", admin.email, "sampo_nothing")
    assert not ApiToken.objects.exists()


def test_the_profile_page_shows_a_new_secret_once_and_revokes(client: Any, seller: Any) -> None:
    client.force_login(seller)

    created = client.post("/profile/api-tokens/", {"name": "verkkokauppa", "scope": "read"})

    assert created.status_code == 200
    secret = created.context["issued"].secret
    assert secret in created.content.decode()
    again = client.get("/profile/api-tokens/")
    assert secret not in again.content.decode()
    assert "verkkokauppa" in again.content.decode()
    token = ApiToken.objects.get(user=seller)
    assert client.post(f"/profile/api-tokens/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_profile_page_does_not_revoke_another_users_token(
    client: Any, seller: Any, outsider: Any
) -> None:
    issued = api_tokens.api_token_create(actor=outsider, user=outsider, name="x", scope="read")
    client.force_login(seller)

    assert client.post(f"/profile/api-tokens/{issued.token.pk}/revoke/").status_code == 404
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None
