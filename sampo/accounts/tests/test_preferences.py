from __future__ import annotations

from sampo.accounts.models import User


def test_switching_language_is_stored_on_the_user(client, seller):
    client.force_login(seller)

    response = client.post("/language/", {"language": "fi", "next": "/profile/"})

    assert response.status_code == 302
    assert response["Location"] == "/profile/"
    assert User.objects.get(pk=seller.pk).language == "fi"


def test_the_language_switch_refuses_a_foreign_redirect(client, seller):
    client.force_login(seller)

    response = client.post("/language/", {"language": "hu", "next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_an_anonymous_visitor_can_switch_the_login_page_language(client, db):
    client.post("/language/", {"language": "hu", "next": "/login/"})

    response = client.get("/login/")

    assert '<html lang="hu">' in response.content.decode()


def test_the_users_language_wins_over_the_browsers(client, seller):
    User.objects.filter(pk=seller.pk).update(language="fi")
    client.force_login(seller)

    response = client.get("/", HTTP_ACCEPT_LANGUAGE="hu")

    assert '<html lang="fi">' in response.content.decode()


def test_times_are_shown_in_the_users_time_zone(client, admin, seller):
    User.objects.filter(pk=admin.pk).update(time_zone="America/New_York")
    client.force_login(admin)

    response = client.get(f"/admin/users/{seller.pk}/")

    assert response.context["TIME_ZONE"] == "America/New_York"


def test_a_user_edits_their_own_profile(client, seller):
    client.force_login(seller)

    response = client.post(
        "/profile/",
        {
            "name": "Mikko Virtanen",
            "phone": "+358 40 123 4567",
            "language": "en",
            "time_zone": "Europe/Helsinki",
            "version": seller.version,
        },
    )

    assert response.status_code == 302
    assert User.objects.get(pk=seller.pk).name == "Mikko Virtanen"


def test_a_user_cannot_change_their_own_role_through_the_profile(client, seller):
    client.force_login(seller)

    client.post(
        "/profile/",
        {"name": "X", "language": "en", "time_zone": "UTC", "version": 1, "role": 1},
    )

    assert User.objects.get(pk=seller.pk).role == seller.role
