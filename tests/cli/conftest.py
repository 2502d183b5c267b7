"""Fixtures for the command-line tests: a data folder per test, a database made by
`sampo migrate` once per test process and copied, long-running commands that are always
stopped, and scratch PostgreSQL databases."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.support import Processes, operator_env, sampo, scratch_postgres_database


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def env(data_dir: Path) -> dict[str, str]:
    """The embedded default: SQLite and the task queue in the data folder."""
    return operator_env(SAMPO_DATA_DIR=str(data_dir))


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("migrated")
    sampo("migrate", env=operator_env(SAMPO_DATA_DIR=str(data)))
    return data / "sampo.sqlite3"


@pytest.fixture
def migrated_env(env: dict[str, str], data_dir: Path, migrated_database: Path) -> dict[str, str]:
    """`env` with a database that `sampo migrate` made (a copy: migrating takes seconds)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(migrated_database, data_dir / "sampo.sqlite3")
    return env


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    running = Processes(tmp_path)
    yield running
    running.stop_all()
    sys.stderr.write(running.logs())  # pytest shows it when the test failed


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A scratch database of its own on the suite's server, dropped afterwards."""
    with scratch_postgres_database() as url:
        yield url
