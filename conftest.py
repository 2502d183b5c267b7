"""Shared test set-up: the personas every permission test is written against, and static
files for the tests that start a real server."""

from __future__ import annotations

import fcntl
import os
import uuid
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

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


@pytest.fixture(scope="session")
def collected_static() -> None:
    """The hashed files WhiteNoise serves, gathered once per run (so an edited stylesheet is
    seen), by one xdist worker at a time: they share the data directory."""
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex
    stamp = settings.DATA_DIR / "test-static-collected"
    with (settings.DATA_DIR / "test-static.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stamp.exists() or stamp.read_text() != run_id:
            call_command("collectstatic", interactive=False, verbosity=0)
            stamp.write_text(run_id)
