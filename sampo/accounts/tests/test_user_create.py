from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sampo import settings as production_settings
from sampo.accounts import services
from sampo.accounts.models import Role, User
from sampo.core.models import HistoryEntry


@pytest.fixture
def salesperson_role(db: None) -> Role:
    return Role.objects.get(code=Role.SALESPERSON)


def test_it_creates_a_user_with_lowercased_email_and_history(admin, salesperson_role):
    user = services.user_create(
        actor=admin,
        email="  Mikko.Virtanen@Example.FI ",
        name="Mikko Virtanen",
        role=salesperson_role,
    )

    assert user.email == "mikko.virtanen@example.fi"
    assert not user.has_usable_password()
    entry = HistoryEntry.objects.get(object_id=str(user.pk), action=HistoryEntry.Action.CREATED)
    assert entry.actor == admin
    assert {c["field"] for c in entry.changes} >= {"email", "name", "role"}


def test_it_refuses_an_email_that_differs_only_in_case(admin, seller, salesperson_role):
    with pytest.raises(ValidationError) as error:
        services.user_create(
            actor=admin, email="SELLER@sampo.test", name="Copy", role=salesperson_role
        )

    assert "email" in error.value.error_dict
    assert User.objects.filter(email__iexact="seller@sampo.test").count() == 1


def test_it_refuses_a_non_admin(seller, salesperson_role):
    with pytest.raises(PermissionDenied):
        services.user_create(actor=seller, email="x@sampo.test", name="X", role=salesperson_role)

    assert not User.objects.filter(email="x@sampo.test").exists()


def test_it_hashes_passwords_with_argon2(admin, salesperson_role, settings):
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = services.user_create(
        actor=admin,
        email="pw@sampo.test",
        name="Pw",
        role=salesperson_role,
        password="a long enough passphrase",
    )

    assert user.password.startswith("argon2")
    assert user.check_password("a long enough passphrase")
