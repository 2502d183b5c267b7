from __future__ import annotations

from django_q.models import OrmQ

from conftest import PASSWORD


def test_it_logs_in_with_the_email_in_any_case(client, seller):
    response = client.post("/login/", {"username": "SELLER@sampo.test", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(seller.pk)


def test_a_wrong_password_shows_an_error_on_the_form(client, seller):
    response = client.post("/login/", {"username": seller.email, "password": "wrong"})

    assert response.status_code == 200
    assert "form-errors" in response.content.decode()


def test_it_locks_out_after_repeated_failures_even_with_the_right_password(
    client, seller, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": seller.email, "password": "wrong"})

    response = client.post("/login/", {"username": seller.email, "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post(client, seller):
    client.force_login(seller)

    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_queues_an_email_for_the_worker(
    client, seller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/password/reset/", {"email": seller.email})

    assert response.status_code == 302
    assert OrmQ.objects.count() == 1


def test_password_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/password/reset/", {"email": "nobody@sampo.test"})

    assert response.status_code == 302
    assert OrmQ.objects.count() == 0


def test_an_invited_user_who_lost_the_invitation_can_ask_for_a_new_link(
    client, admin, django_capture_on_commit_callbacks
):
    from sampo.accounts import services
    from sampo.accounts.models import Role

    invited = services.user_create(
        actor=admin,
        email="new@sampo.test",
        name="New",
        role=Role.objects.get(code=Role.SALESPERSON),
        send_invitation=False,
    )
    assert not invited.has_usable_password()

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/password/reset/", {"email": "NEW@sampo.test"})

    assert OrmQ.objects.count() == 1
