"""`sampo backup` and `sampo restore` on PostgreSQL (pg_dump and pg_restore), each test on a
scratch database of its own. They run in the suite's PostgreSQL pass only: the SQLite pass
would repeat them unchanged, since they never touch the suite's own database."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.cli.support import archive_manifest, archive_names, operator_env, sampo, sampo_python
from tests.cli.test_demo import authenticate

pytestmark = pytest.mark.slow

PASSWORD = "Kallio-Rakennus-2026"
USERS = """
import json
from sampo.accounts.models import User
print(json.dumps(sorted(User.objects.values_list("email", flat=True))))
"""
DELETE_MIKKO = """
from sampo.accounts.models import User
from sampo.core.models import HistoryEntry
HistoryEntry.objects.all().delete()
User.objects.filter(email="mikko@kallio.example").delete()
print(0)
"""


@pytest.fixture
def pg_env(postgres_url: str, data_dir: Path) -> dict[str, str]:
    env = operator_env(SAMPO_DATA_DIR=str(data_dir), SAMPO_DATABASE_URL=postgres_url)
    sampo("migrate", env=env)
    return env


def create_user(email: str, *, env: dict[str, str]) -> None:
    sampo(
        "createuser", email, "--name", "Mikko Virtanen", "--password-stdin", "--role", "admin",
        env=env, stdin=f"{PASSWORD}\n",
    )  # fmt: skip


def test_it_backs_up_and_restores_a_postgresql_database(
    pg_env: dict[str, str], data_dir: Path, tmp_path: Path
) -> None:
    create_user("mikko@kallio.example", env=pg_env)
    (data_dir / "files").mkdir()
    (data_dir / "files" / "contract.pdf").write_bytes(b"%PDF contract")
    archive = Path(sampo("backup", env=pg_env).stdout.strip())
    sampo_python(DELETE_MIKKO, env=pg_env)
    (data_dir / "files" / "contract.pdf").unlink()

    result = sampo("restore", str(archive), "--yes", env=pg_env)

    assert sampo_python(USERS, env=pg_env) == ["mikko@kallio.example"]
    login = authenticate("mikko@kallio.example", PASSWORD)
    assert sampo_python(login, env=pg_env) == "admin"
    assert (data_dir / "files" / "contract.pdf").read_bytes() == b"%PDF contract"
    assert "Restored the database and 1 uploaded files" in result.stdout
    assert "sampo migrate" not in result.stdout


def test_it_writes_a_pg_dump_archive_with_a_manifest(
    pg_env: dict[str, str], tmp_path: Path
) -> None:
    archive = Path(sampo("backup", env=pg_env).stdout.strip())

    assert archive_names(archive) == ["manifest.json", "database.pgdump"]
    manifest = archive_manifest(archive)
    assert manifest["database"] == {"engine": "postgresql", "dump": "database.pgdump"}
    assert "0001_users_roles_teams" in manifest["migrations"]["accounts"]
    with tarfile.open(archive) as tar:
        tar.extract("database.pgdump", tmp_path, filter="data")
    listing = subprocess.run(
        ["pg_restore", "--list", str(tmp_path / "database.pgdump")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "TABLE public accounts_user" in listing


def test_it_restores_a_backup_older_than_the_code_and_migrate_completes_it(
    pg_env: dict[str, str],
) -> None:
    # The backup is taken before a migration, as if by the previous version of Sampo.
    sampo("migrate", "sessions", "zero", env=pg_env)
    archive = sampo("backup", env=pg_env).stdout.strip()
    sampo("migrate", env=pg_env)

    restored = sampo("restore", archive, "--yes", env=pg_env)
    migrated = sampo("migrate", env=pg_env)

    assert "run `sampo migrate`" in restored.stdout
    assert "Applying sessions.0001_initial... OK" in migrated.stdout


def test_it_refuses_to_restore_a_backup_of_the_other_database_engine(
    pg_env: dict[str, str], migrated_env: dict[str, str]
) -> None:
    create_user("mikko@kallio.example", env=pg_env)
    postgres_backup = sampo("backup", env=pg_env).stdout.strip()
    sqlite_backup = sampo("backup", env=migrated_env).stdout.strip()

    into_postgres = sampo("restore", sqlite_backup, "--yes", env=pg_env, check=False)
    into_sqlite = sampo("restore", postgres_backup, "--yes", env=migrated_env, check=False)

    assert into_postgres.returncode != 0
    assert "holds a SQLite database, but Sampo is set up for PostgreSQL" in into_postgres.stderr
    assert into_sqlite.returncode != 0
    assert "holds a PostgreSQL database, but Sampo is set up for SQLite" in into_sqlite.stderr
    assert "Nothing was changed" in into_sqlite.stderr
    assert sampo_python(USERS, env=pg_env) == ["mikko@kallio.example"]
