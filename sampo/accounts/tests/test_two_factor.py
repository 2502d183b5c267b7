"""Two-factor login: enrolment, the second step of the login, recovery codes, the policy that
requires it, and the admin's reset."""

from __future__ import annotations

import re

import pyotp
import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import PASSWORD
from sampo.accounts import two_factor
from sampo.accounts.models import Role, TwoFactorDevice
from sampo.core.models import AuditEvent, HistoryEntry

STEP = 60_000_000  # a fixed 30-second time step, so no test depends on the clock


@pytest.fixture
def clock(monkeypatch):
    """The current TOTP time step, moved by the test."""

    class Clock:
        step = STEP

    monkeypatch.setattr(two_factor, "_step", lambda now=None: Clock.step)
    return Clock


def code(device: TwoFactorDevice, step: int) -> str:
    return pyotp.TOTP(device.secret).generate_otp(step)


def enrol(user, clock) -> tuple[TwoFactorDevice, list[str]]:
    device = two_factor.enrolment_start(user=user)
    codes = two_factor.enrolment_confirm(user=user, code=code(device, clock.step))
    device.refresh_from_db()
    return device, codes


def password_step(client, user, **extra):
    return client.post("/login/", {"username": user.email, "password": PASSWORD, **extra})


# --- Enrolment ------------------------------------------------------------------------------


def test_it_shows_a_qr_code_and_the_secret_and_turns_on_with_a_first_code(client, seller, clock):
    client.force_login(seller)

    assert client.post("/profile/two-factor/setup/")["Location"] == "/profile/two-factor/confirm/"
    page = client.get("/profile/two-factor/confirm/").content.decode()
    device = TwoFactorDevice.objects.get(user=seller)
    assert "<svg" in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    shown = re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page)
    assert shown
    assert shown.group(1).replace(" ", "") == device.secret

    response = client.post("/profile/two-factor/confirm/", {"code": code(device, clock.step)})

    assert response.status_code == 200
    codes = re.findall(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>", response.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.is_confirmed
    assert codes[0] not in str(device.recovery_code_hashes), "stored hashed, never readable"
    assert AuditEvent.objects.filter(action="two_factor_enabled", actor=seller).count() == 1
    assert HistoryEntry.objects.filter(event="two_factor_enabled").count() == 1


def test_a_wrong_first_code_leaves_it_off(client, seller, clock):
    client.force_login(seller)
    client.post("/profile/two-factor/setup/")
    device = TwoFactorDevice.objects.get(user=seller)

    response = client.post("/profile/two-factor/confirm/", {"code": code(device, clock.step + 5)})

    assert response.status_code == 200
    assert "not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.is_confirmed
    assert not AuditEvent.objects.filter(action="two_factor_enabled").exists()


def test_reloading_the_set_up_keeps_the_same_secret(client, seller):
    client.force_login(seller)
    client.post("/profile/two-factor/setup/")
    first = TwoFactorDevice.objects.get(user=seller).secret

    client.post("/profile/two-factor/setup/")

    assert TwoFactorDevice.objects.get(user=seller).secret == first


# --- Login ----------------------------------------------------------------------------------


def test_login_asks_for_the_code_and_the_session_is_not_logged_in_until_then(client, seller, clock):
    device, _codes = enrol(seller, clock)

    response = password_step(client, seller)

    assert response["Location"] == "/login/code/"
    assert "_auth_user_id" not in client.session
    assert client.get("/")["Location"].startswith("/login/"), "no page opens meanwhile"
    assert client.get("/profile/")["Location"].startswith("/login/")

    response = client.post("/login/code/", {"code": code(device, clock.step + 1)})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(seller.pk)
    assert client.get("/").status_code == 200
    event = AuditEvent.objects.get(action="login")
    assert event.actor == seller
    assert event.details == {"second_factor": "totp"}
    assert event.ip_address == "127.0.0.1"


def test_it_goes_on_to_the_page_asked_for_before_the_login(client, seller, clock):
    device, _codes = enrol(seller, clock)

    password_step(client, seller, next="/profile/")
    response = client.post("/login/code/", {"code": code(device, clock.step + 1)})

    assert response["Location"] == "/profile/"


def test_a_wrong_code_is_refused_and_audited(client, seller, clock):
    device, _codes = enrol(seller, clock)
    password_step(client, seller)

    response = client.post("/login/code/", {"code": code(device, clock.step + 9)})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.details == {"reason": "wrong_code"}
    assert failed.actor == seller


def test_a_code_used_once_cannot_be_used_again(client, seller, clock):
    device, _codes = enrol(seller, clock)
    used = code(device, clock.step + 1)
    password_step(client, seller)
    client.post("/login/code/", {"code": used})
    client.post("/logout/")

    password_step(client, seller)
    response = client.post("/login/code/", {"code": used})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_first_code_of_the_enrolment_cannot_log_in(client, seller, clock):
    device = two_factor.enrolment_start(user=seller)
    first = code(device, clock.step)
    two_factor.enrolment_confirm(user=seller, code=first)

    password_step(client, seller)
    client.post("/login/code/", {"code": first})

    assert "_auth_user_id" not in client.session


def test_a_recovery_code_logs_in_once(client, seller, clock):
    _device, codes = enrol(seller, clock)

    password_step(client, seller)
    response = client.post("/login/code/", {"code": codes[3].upper().replace("-", " ")})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(seller.pk)
    client.post("/logout/")

    password_step(client, seller)
    client.post("/login/code/", {"code": codes[3]})

    assert "_auth_user_id" not in client.session
    assert len(TwoFactorDevice.objects.get(user=seller).recovery_code_hashes) == 9
    assert AuditEvent.objects.get(action="login").details == {"second_factor": "recovery"}


def test_too_many_wrong_codes_lock_the_second_step(client, seller, clock, settings):
    device, _codes = enrol(seller, clock)
    password_step(client, seller)
    for _ in range(settings.TWO_FACTOR_FAILURE_LIMIT):
        client.post("/login/code/", {"code": "000000"})

    response = client.post("/login/code/", {"code": code(device, clock.step + 1)})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(details__reason="code_locked_out").count() == 1


def test_a_new_password_step_does_not_clear_the_count_of_wrong_codes(client, seller, clock):
    device, _codes = enrol(seller, clock)
    for _ in range(5):
        password_step(client, seller)
        client.post("/login/code/", {"code": "000000"})

    password_step(client, seller)
    response = client.post("/login/code/", {"code": code(device, clock.step + 1)})

    assert response.status_code == 429


def test_the_code_page_without_a_password_first_goes_back_to_the_login(client, seller, clock):
    enrol(seller, clock)

    response = client.post("/login/code/", {"code": "123456"})

    assert response["Location"] == "/login/"


def test_a_user_without_two_factor_logs_in_with_the_password_alone(client, seller):
    response = password_step(client, seller)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(seller.pk)
    assert AuditEvent.objects.get(action="login").details == {"second_factor": "none"}


# --- Recovery codes, turning off ------------------------------------------------------------


def test_new_recovery_codes_replace_the_old_ones(seller, clock):
    device, old = enrol(seller, clock)

    new = two_factor.recovery_codes_regenerate(user=seller, code=code(device, clock.step + 1))

    device.refresh_from_db()
    assert len(device.recovery_code_hashes) == 10
    assert set(new).isdisjoint(old)
    assert two_factor._hash(old[0]) not in device.recovery_code_hashes
    assert AuditEvent.objects.filter(action="recovery_codes_regenerated").count() == 1


def test_turning_off_needs_the_password_and_a_code(client, seller, clock):
    device, _codes = enrol(seller, clock)
    client.force_login(seller)

    client.post(
        "/profile/two-factor/disable/",
        {"password": "wrong", "code": code(device, clock.step + 1)},
    )
    assert TwoFactorDevice.objects.filter(user=seller).exists()
    client.post("/profile/two-factor/disable/", {"password": PASSWORD, "code": "000000"})
    assert TwoFactorDevice.objects.filter(user=seller).exists()
    assert not AuditEvent.objects.filter(action="two_factor_disabled").exists()

    client.post(
        "/profile/two-factor/disable/", {"password": PASSWORD, "code": code(device, clock.step + 1)}
    )

    assert not TwoFactorDevice.objects.filter(user=seller).exists()
    assert AuditEvent.objects.filter(action="two_factor_disabled", actor=seller).count() == 1


def test_it_cannot_be_turned_off_where_the_role_requires_it(seller, admin, clock):
    device, _codes = enrol(seller, clock)
    two_factor.policy_update(
        actor=admin, everyone=False, roles=[Role.objects.get(code=Role.SALESPERSON)]
    )

    with pytest.raises(ValidationError):
        two_factor.two_factor_disable(
            user=seller, password=PASSWORD, code=code(device, clock.step + 1)
        )

    assert TwoFactorDevice.objects.filter(user=seller).exists()


# --- Policy and reset -----------------------------------------------------------------------


def test_a_role_that_requires_it_sends_its_users_to_the_set_up_until_done(
    client, admin, seller, manager, clock
):
    client.force_login(admin)
    client.post("/admin/two-factor/", {"roles": [Role.objects.get(code=Role.SALESPERSON).pk]})
    client.post("/logout/")
    assert AuditEvent.objects.filter(action="two_factor_policy_changed").count() == 1

    password_step(client, seller)

    assert client.get("/")["Location"] == "/profile/two-factor/"
    assert client.get("/organizations/")["Location"] == "/profile/two-factor/"
    assert client.get("/", headers={"HX-Request": "true"})["HX-Redirect"] == "/profile/two-factor/"
    assert client.get("/profile/two-factor/").status_code == 200
    client.post("/profile/two-factor/setup/")
    device = TwoFactorDevice.objects.get(user=seller)
    client.post("/profile/two-factor/confirm/", {"code": code(device, clock.step)})
    assert client.get("/").status_code == 200

    client.post("/logout/")
    password_step(client, manager)
    assert client.get("/").status_code == 200, "other roles are not asked"


def test_requiring_it_for_everyone_reaches_every_role(client, admin, viewer):
    client.force_login(admin)
    client.post("/admin/two-factor/", {"everyone": "on"})
    client.post("/logout/")

    password_step(client, viewer)

    assert client.get("/")["Location"] == "/profile/two-factor/"


def test_the_policy_page_is_for_admins_only(client, manager):
    client.force_login(manager)

    assert client.get("/admin/two-factor/").status_code == 403
    assert client.post("/admin/two-factor/", {"everyone": "on"}).status_code == 403
    assert not two_factor.policy().everyone
    assert not AuditEvent.objects.exists()


def test_an_admin_resets_a_users_two_factor_login_and_it_is_audited(client, admin, seller, clock):
    enrol(seller, clock)
    client.force_login(admin)

    response = client.post(f"/admin/users/{seller.pk}/two-factor/reset/")

    assert response.status_code == 302
    assert not TwoFactorDevice.objects.filter(user=seller).exists()
    event = AuditEvent.objects.get(action="two_factor_reset")
    assert (event.actor, event.target_id) == (admin, str(seller.pk))
    client.post("/logout/")
    assert password_step(client, seller)["Location"] == "/", "the password alone is enough now"


def test_only_an_admin_may_reset(client, manager, seller, clock):
    enrol(seller, clock)
    client.force_login(manager)

    assert client.post(f"/admin/users/{seller.pk}/two-factor/reset/").status_code == 403
    with pytest.raises(PermissionDenied):
        two_factor.two_factor_reset(actor=manager, user=seller)

    assert TwoFactorDevice.objects.filter(user=seller).exists()
    assert not AuditEvent.objects.filter(action="two_factor_reset").exists()


def test_the_user_page_shows_whether_two_factor_login_is_on(client, admin, seller, clock):
    enrol(seller, clock)
    client.force_login(admin)

    page = client.get(f"/admin/users/{seller.pk}/").content.decode()

    assert "Reset two-factor login" in page
