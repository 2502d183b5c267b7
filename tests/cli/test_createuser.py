"""`sampo createuser`: the first admin of a new installation, made on the command line."""

from __future__ import annotations

import pytest

from tests.cli.support import sampo, sampo_python
from tests.cli.test_demo import authenticate

pytestmark = pytest.mark.slow

PASSWORD = "Kallio-Rakennus-2026"
USER_COUNT = "import json; from sampo.accounts.models import User; print(User.objects.count())"


def test_it_creates_a_user_who_logs_in_with_the_password_from_stdin(
    migrated_env: dict[str, str],
) -> None:
    result = sampo(
        "createuser",
        "anna@kallio.example",
        "--name",
        "Anna Kallio",
        "--role",
        "admin",
        "--password-stdin",
        env=migrated_env,
        stdin=f"{PASSWORD}\n",
    )

    assert "Created anna@kallio.example" in result.stdout
    assert sampo_python(authenticate("anna@kallio.example", PASSWORD), env=migrated_env) == "admin"
    assert sampo_python(authenticate("anna@kallio.example", "wrong"), env=migrated_env) is None


def test_it_refuses_an_unknown_role_and_lists_the_roles(migrated_env: dict[str, str]) -> None:
    result = sampo(
        "createuser",
        "anna@kallio.example",
        "--name",
        "Anna Kallio",
        "--role",
        "boss",
        "--password-stdin",
        env=migrated_env,
        stdin=f"{PASSWORD}\n",
        check=False,
    )

    assert result.returncode != 0
    assert "Unknown role 'boss'" in result.stderr
    assert "admin" in result.stderr
    assert "Traceback" not in result.stderr
    assert sampo_python(USER_COUNT, env=migrated_env) == 0


def test_it_refuses_a_second_user_with_the_same_email(migrated_env: dict[str, str]) -> None:
    create = ("createuser", "--name", "Anna Kallio", "--password-stdin")
    sampo(*create, "anna@kallio.example", env=migrated_env, stdin=f"{PASSWORD}\n")

    result = sampo(
        *create, "ANNA@Kallio.example", env=migrated_env, stdin=f"{PASSWORD}\n", check=False
    )

    assert result.returncode != 0
    assert "already exists" in result.stderr
    assert "Traceback" not in result.stderr
    assert sampo_python(USER_COUNT, env=migrated_env) == 1
