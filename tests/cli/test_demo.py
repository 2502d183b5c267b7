"""`sampo migrate` then `sampo demo`, run again: the demo data is there once."""

from __future__ import annotations

import re

import pytest

from tests.cli.support import sampo, sampo_python

pytestmark = pytest.mark.slow

ROW_COUNTS = """
import json
from django.apps import apps
print(json.dumps({m._meta.label: m._base_manager.count() for m in apps.get_models()}))
"""


def test_it_migrates_a_new_data_folder_and_loads_the_demo_data_once(
    env: dict[str, str],
) -> None:
    sampo("migrate", env=env)
    sampo("demo", env=env)
    first = sampo_python(ROW_COUNTS, env=env)

    again = sampo("demo", env=env)

    assert sampo_python(ROW_COUNTS, env=env) == first
    assert first["accounts.User"] >= 5
    assert first["accounts.Team"] >= 2
    assert "Demo data is ready" in again.stdout


def test_it_prints_a_demo_login_that_works(migrated_env: dict[str, str]) -> None:
    printed = sampo("demo", env=migrated_env).stdout

    login = re.search(r"Log in as (\S+) with the password '([^']+)'", printed)
    assert login, printed
    email, password = login.groups()
    assert sampo_python(authenticate(email, password), env=migrated_env) == "admin"


def authenticate(email: str, password: str) -> str:
    """Code for `sampo shell -c`: log in through the real authentication backends."""
    return f"""
import json
from django.contrib.auth import authenticate
from django.test import RequestFactory
user = authenticate(RequestFactory().post("/login/"), username={email!r}, password={password!r})
print(json.dumps(user and user.role.code))
"""
