from __future__ import annotations

import pytest

from conftest import make_user
from sampo.accounts.models import Role, Team
from tests.api.querycount import queries_of

pytestmark = pytest.mark.django_db


def test_any_user_reads_the_users_with_their_roles_and_teams(seller, sales_team, api_as):
    api = api_as(seller, scope="read")

    users = api.get("/users").json()["items"]
    me = api.get(f"/users/{seller.pk}").json()

    assert {u["email"] for u in users} == {
        "manager@sampo.test",
        "seller@sampo.test",
        "teammate@sampo.test",
    }
    assert me == {
        "id": seller.pk,
        "name": "Mikko Myyjä",
        "email": "seller@sampo.test",
        "role": Role.SALESPERSON,
        "team_ids": [sales_team.pk],
        "is_active": True,
    }
    assert api.get("/users/999999").status_code == 404


def test_it_filters_users_by_active_and_pages_them(admin, api_as):
    gone = make_user("gone@sampo.test", "Entinen Käyttäjä", Role.SALESPERSON, is_active=False)
    for n in range(5):
        make_user(f"u{n}@sampo.test", f"Käyttäjä {n}", Role.SALESPERSON)
    api = api_as(admin)

    inactive = api.get("/users", {"is_active": "false"}).json()["items"]
    seen, cursor = [], None
    while True:
        page = api.get("/users", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [u["id"] for u in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break

    assert [u["id"] for u in inactive] == [gone.pk]
    assert len(seen) == len(set(seen)) == 7
    assert api.get("/users", {"sort": "email"}).status_code == 400


def test_it_reads_teams_with_leader_and_members(seller, manager, teammate, sales_team, api_as):
    api = api_as(seller)
    Team.objects.create(name="Poistettu", deleted_at="2025-01-01T00:00:00Z")

    teams = api.get("/teams").json()
    team = api.get(f"/teams/{sales_team.pk}").json()

    assert [t["id"] for t in teams] == [sales_team.pk]
    assert team["leader_id"] == manager.pk
    assert team["member_ids"] == sorted([manager.pk, seller.pk, teammate.pk])
    assert api.get("/teams/999999").status_code == 404


def test_the_user_and_team_lists_make_as_many_queries_for_50_as_for_1(admin, api_as):
    api = api_as(admin)
    team = Team.objects.create(name="T0", leader=admin)
    team.members.set([admin])
    one_user, one_team = queries_of(api, "/users"), queries_of(api, "/teams")
    for n in range(49):
        user = make_user(f"u{n}@sampo.test", f"Käyttäjä {n}", Role.SALESPERSON)
        other = Team.objects.create(name=f"T{n + 1}", leader=user)
        other.members.set([user, admin])

    assert queries_of(api, "/users") == one_user
    assert queries_of(api, "/teams") == one_team
    assert len(api.get("/users").json()["items"]) == 50
