"""Shared test set-up: the personas every permission test is written against."""

from __future__ import annotations

from typing import Any

import pytest

from sampo.accounts.models import Role, Team, User

PASSWORD = "correct horse battery staple"


def make_user(email: str, name: str, role_code: str, **fields: object) -> User:
    return User.objects.create_user(
        email, PASSWORD, name=name, role=Role.objects.get(code=role_code), **fields
    )


@pytest.fixture
def admin(db: None) -> User:
    return make_user("admin@sampo.test", "Anna Admin", Role.ADMIN)


@pytest.fixture
def manager(db: None) -> User:
    return make_user("manager@sampo.test", "Maija Manager", Role.SALES_MANAGER)


@pytest.fixture
def seller(db: None) -> User:
    return make_user("seller@sampo.test", "Mikko Myyjä", Role.SALESPERSON)


@pytest.fixture
def teammate(db: None) -> User:
    return make_user("teammate@sampo.test", "Laura Tiimiläinen", Role.SALESPERSON)


@pytest.fixture
def outsider(db: None) -> User:
    return make_user("outsider@sampo.test", "Olli Ulkopuolinen", Role.SALESPERSON)


@pytest.fixture
def viewer(db: None) -> User:
    return make_user("viewer@sampo.test", "Pekka Katselija", Role.READ_ONLY)


@pytest.fixture
def sales_team(db: None, manager: User, seller: User, teammate: User) -> Team:
    team = Team.objects.create(name="Myynti Etelä", leader=manager)
    team.members.set([manager, seller, teammate])
    return team


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Argon2 is slow by design; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
