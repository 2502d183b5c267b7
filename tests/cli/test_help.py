"""Every command the README documents explains itself with --help."""

from __future__ import annotations

import pytest

from tests.cli.support import sampo

pytestmark = pytest.mark.slow

# Command, and an option (or argument) its help must mention.
DOCUMENTED = {
    "serve": "--workers",
    "worker": "--processes",
    "migrate": "app_label",
    "demo": "--seed",
    "createuser": "--password-stdin",
    "backup": "--output",
    "restore": "--yes",
}


@pytest.mark.parametrize(("command", "option"), DOCUMENTED.items())
def test_it_explains_each_documented_command_with_help(
    command: str, option: str, env: dict[str, str]
) -> None:
    result = sampo(command, "--help", env=env)

    assert result.stdout.startswith(f"usage: sampo {command} ")
    assert option in result.stdout


def test_it_lists_every_documented_command(env: dict[str, str]) -> None:
    listed = sampo("help", env=env).stdout.split()

    assert set(DOCUMENTED) <= set(listed)
