"""Shared test set-up: the personas every permission test is written against, and static
files for the tests that start a real server."""

from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from pytest_django.plugin import blocking_manager_key

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


@pytest.fixture(scope="session", autouse=True)
def collected_static() -> None:
    """The hashed files WhiteNoise serves, gathered once per run (so an edited stylesheet is
    seen), by one xdist worker at a time: they share the data directory. Every worker waits
    for it before its first test, because collectstatic rewrites the hashed stylesheets in
    place and a WhiteNoise scanning the directory meanwhile would find a file missing."""
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex
    stamp = settings.DATA_DIR / "test-static-collected"
    with (settings.DATA_DIR / "test-static.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not stamp.exists() or stamp.read_text() != run_id:
            call_command("collectstatic", interactive=False, verbosity=0)
            stamp.write_text(run_id)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """A transactional test (live server, worker) ends by flushing every table, the seeded
    roles, types and industries included; put the migrated data back for the tests after it.
    After the last test the test database is gone: nothing to restore there."""
    try:
        return (yield)
    finally:
        if nextitem is not None and _flushes_the_database(item):
            _restore_migrated_data(item.config)


def _flushes_the_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        "transactional_db" in fixtures
        or "live_server" in fixtures
        or (marker is not None and marker.kwargs.get("transaction"))
    )


def _restore_migrated_data(config: pytest.Config) -> None:
    with config.stash[blocking_manager_key].unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
