from __future__ import annotations

import pytest
from django_q.models import OrmQ

from sampo.accounts.models import Role, Team, User
from sampo.core.models import HistoryEntry

ADMIN_PAGES = [
    "/admin/users/",
    "/admin/users/new/",
    "/admin/teams/",
    "/admin/teams/new/",
    "/admin/two-factor/",
    "/admin/audit/",
]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_open_for_admins(client, admin, path):
    client.force_login(admin)

    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_are_refused_to_other_roles(client, manager, path):
    client.force_login(manager)

    assert client.get(path).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/admin/users/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_admin_adds_a_user_who_is_invited_by_email(
    client, admin, sales_team, django_capture_on_commit_callbacks
):
    client.force_login(admin)
    role = Role.objects.get(code=Role.SALESPERSON)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/users/new/",
            {
                "name": "Eszter Nagy",
                "email": "Eszter.Nagy@Example.hu",
                "role": role.pk,
                "teams": [sales_team.pk],
                "language": "hu",
                "time_zone": "Europe/Budapest",
            },
        )

    user = User.objects.get(email="eszter.nagy@example.hu")
    assert response.status_code == 302
    assert list(user.teams.all()) == [sales_team]
    assert user.language == "hu"
    assert OrmQ.objects.count() == 1  # the invitation waits for the worker


def test_the_user_form_shows_errors_next_to_fields_and_saves_nothing(client, admin, seller):
    client.force_login(admin)

    response = client.post(
        "/admin/users/new/",
        {"name": "", "email": seller.email.upper(), "role": "", "language": "xx"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('class="field-error"') >= 3
    assert User.objects.count() == 2


def test_a_stale_user_edit_is_refused_with_a_clear_message(client, admin, seller):
    client.force_login(admin)
    form = {
        "name": "Mikko V.",
        "email": seller.email,
        "phone": "",
        "role": seller.role.pk,
        "language": "fi",
        "time_zone": "Europe/Helsinki",
        "version": seller.version,
    }
    assert client.post(f"/admin/users/{seller.pk}/edit/", form).status_code == 302

    response = client.post(f"/admin/users/{seller.pk}/edit/", {**form, "name": "Overwrite"})

    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    assert User.objects.get(pk=seller.pk).name == "Mikko V."


def test_the_user_page_shows_its_history(client, admin, seller):
    client.force_login(admin)
    client.post(f"/admin/users/{seller.pk}/deactivate/")

    response = client.get(f"/admin/users/{seller.pk}/")

    assert response.status_code == 200
    assert "deactivated" in response.content.decode()


def test_an_admin_creates_edits_and_deletes_a_team(client, admin, seller):
    client.force_login(admin)

    client.post(
        "/admin/teams/new/", {"name": "Export", "leader": seller.pk, "members": [seller.pk]}
    )
    team = Team.objects.get(name="Export")
    client.post(
        f"/admin/teams/{team.pk}/edit/",
        {"name": "Export Hungary", "leader": seller.pk, "members": [seller.pk], "version": 1},
    )
    page = client.get(f"/admin/teams/{team.pk}/").content.decode()
    client.post(f"/admin/teams/{team.pk}/delete/")

    assert "Export Hungary" in page
    assert "Export" in page  # old value in the history
    assert not Team.objects.filter(pk=team.pk).exists()
    assert Team.all_objects.get(pk=team.pk).name == "Export Hungary"
    assert HistoryEntry.objects.filter(object_id=str(team.pk)).count() == 3


def test_the_user_list_needs_the_same_queries_for_one_user_and_for_fifty(
    client, admin, sales_team, django_assert_max_num_queries
):
    client.force_login(admin)
    role = Role.objects.get(code=Role.SALESPERSON)

    def page_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/users/").status_code == 200
        return len(queries)

    few = page_queries()
    for n in range(50):
        user = User.objects.create_user(f"u{n}@sampo.test", "x", name=f"User {n}", role=role)
        user.teams.add(sales_team)

    assert page_queries() == few


def test_the_history_names_changed_fields_and_teams_in_the_readers_language(
    client, admin, seller, sales_team
):
    client.force_login(admin)
    client.post(
        f"/admin/users/{seller.pk}/edit/",
        {
            "name": seller.name,
            "email": seller.email,
            "role": seller.role.pk,
            "teams": [],
            "language": "en",
            "time_zone": "Europe/Helsinki",
            "version": seller.version,
        },
    )
    admin.language = "fi"
    admin.save(update_fields=["language"])

    page = client.get(f"/admin/users/{seller.pk}/").content.decode()

    assert "Myynti Etelä" in page  # the old value of the teams row
    assert '<html lang="fi">' in page


def test_the_team_list_needs_the_same_queries_for_one_team_and_for_fifty(client, admin, seller):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sampo.accounts import services

    client.force_login(admin)
    services.team_create(actor=admin, name="Team 0", leader=seller, members=[seller])

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/teams/").status_code == 200
        return len(queries)

    one = page_queries()
    for n in range(1, 50):
        services.team_create(actor=admin, name=f"Team {n}", leader=seller, members=[seller])

    assert page_queries() == one
