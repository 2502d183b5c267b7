"""`sampo backup` and `sampo restore` on the embedded default: SQLite and a files folder."""

from __future__ import annotations

import os
import pty
import re
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.support import (
    SAMPO,
    Processes,
    archive_manifest,
    archive_names,
    sampo,
    sampo_python,
    wait_until,
)

pytestmark = pytest.mark.slow

PASSWORD = "Kallio-Rakennus-2026"
USERS = """
import json
from sampo.accounts.models import User
print(json.dumps(dict(User.objects.values_list("email", "name"))))
"""


def create_user(email: str, name: str, *, env: dict[str, str]) -> None:
    sampo("createuser", email, "--name", name, "--password-stdin", env=env, stdin=f"{PASSWORD}\n")


def test_it_backs_up_and_restores_the_database_and_the_uploaded_files(
    migrated_env: dict[str, str], data_dir: Path
) -> None:
    create_user("mikko@kallio.example", "Mikko Virtanen", env=migrated_env)
    offer = data_dir / "files" / "offers" / "tarjous-2026.pdf"
    offer.parent.mkdir(parents=True)
    offer.write_bytes(b"%PDF-1.7 tarjous")
    archive = Path(sampo("backup", env=migrated_env).stdout.strip())
    # What happens after the backup, and the restore undoes.
    sampo_python(
        "from sampo.accounts.models import User; "
        "User.objects.filter(email='mikko@kallio.example').update(name='Renamed'); print(0)",
        env=migrated_env,
    )
    create_user("laura@kallio.example", "Laura Nieminen", env=migrated_env)
    offer.unlink()
    (data_dir / "files" / "later.txt").write_text("after the backup")

    result = sampo("restore", str(archive), "--yes", env=migrated_env)

    assert sampo_python(USERS, env=migrated_env) == {"mikko@kallio.example": "Mikko Virtanen"}
    assert offer.read_bytes() == b"%PDF-1.7 tarjous"
    assert not (data_dir / "files" / "later.txt").exists()
    assert "Restored the database and 1 uploaded files" in result.stdout


def test_it_writes_one_archive_with_the_database_the_files_and_a_manifest(
    migrated_env: dict[str, str], data_dir: Path
) -> None:
    (data_dir / "files").mkdir()
    (data_dir / "files" / "logo.png").write_bytes(b"png")

    printed = sampo("backup", env=migrated_env).stdout.strip()

    archive = Path(printed)
    assert archive.parent == data_dir / "backups"
    assert re.fullmatch(r"sampo-backup-\d{8}-\d{6}\.tar\.gz", archive.name)
    assert sorted(archive_names(archive)) == [
        "database.sqlite3",
        "files",
        "files/logo.png",
        "manifest.json",
    ]
    manifest = archive_manifest(archive)
    assert manifest["database"] == {"engine": "sqlite", "dump": "database.sqlite3"}
    assert manifest["format_version"] == 1
    assert manifest["files"] == 1
    assert "0001_users_roles_teams" in manifest["migrations"]["accounts"]
    assert manifest["sampo_version"]
    assert manifest["created"]
    assert list(data_dir.joinpath("backups").iterdir()) == [archive]  # no temporary left


def test_it_writes_the_archive_into_the_folder_given_with_output(
    migrated_env: dict[str, str], tmp_path: Path
) -> None:
    printed = sampo("backup", "--output", str(tmp_path / "nightly"), env=migrated_env).stdout

    archive = Path(printed.strip())
    assert archive.parent == tmp_path / "nightly"
    assert archive.is_file()


def test_it_takes_a_whole_backup_while_another_process_writes(
    migrated_env: dict[str, str], data_dir: Path, processes: Processes
) -> None:
    writer = processes.start(
        "shell",
        "-c",
        "import time\n"
        "from django_q.models import OrmQ\n"
        "print('writing', flush=True)\n"
        "for n in range(100000):\n"
        "    OrmQ.objects.create(key='load', payload=str(n), lock=None)\n",
        env=migrated_env,
    )
    writer.wait_for_log("writing")
    wait_until(lambda: queued_rows(data_dir) > 50, timeout=60, what="rows written")

    archive = Path(sampo("backup", env=migrated_env).stdout.strip())

    writer.kill()
    rows_then = queued_rows(data_dir)
    sampo("restore", str(archive), "--yes", env=migrated_env)
    assert 50 < queued_rows(data_dir) <= rows_then
    with closing(sqlite3.connect(data_dir / "sampo.sqlite3")) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def queued_rows(data_dir: Path) -> int:
    with closing(sqlite3.connect(data_dir / "sampo.sqlite3", timeout=30)) as db:
        return int(db.execute("SELECT count(*) FROM django_q_ormq").fetchone()[0])


def test_it_refuses_to_restore_without_yes_when_nobody_can_confirm(
    migrated_env: dict[str, str],
) -> None:
    archive = sampo("backup", env=migrated_env).stdout.strip()
    create_user("laura@kallio.example", "Laura Nieminen", env=migrated_env)

    result = sampo("restore", archive, env=migrated_env, check=False)

    assert result.returncode != 0
    assert "Run it again with --yes" in result.stderr
    assert "laura@kallio.example" in sampo_python(USERS, env=migrated_env)


def test_it_asks_on_a_terminal_before_restoring(migrated_env: dict[str, str]) -> None:
    archive = sampo("backup", env=migrated_env).stdout.strip()
    create_user("laura@kallio.example", "Laura Nieminen", env=migrated_env)

    declined = restore_on_a_terminal(archive, answer="no", env=migrated_env)
    users_after_no = sampo_python(USERS, env=migrated_env)
    accepted = restore_on_a_terminal(archive, answer="yes", env=migrated_env)

    assert declined.returncode != 0
    assert "Not restored; nothing was changed." in declined.stderr
    assert "laura@kallio.example" in users_after_no
    assert accepted.returncode == 0, accepted.stderr
    assert "Type yes to restore" in accepted.stdout
    assert sampo_python(USERS, env=migrated_env) == {}


def restore_on_a_terminal(
    archive: str, *, answer: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """`sampo restore ARCHIVE` with a terminal as its input, on which `answer` was typed."""
    keyboard, terminal = pty.openpty()
    try:
        os.write(keyboard, f"{answer}\n".encode())
        return subprocess.run(
            [SAMPO, "restore", archive],
            env=env,
            stdin=terminal,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        os.close(terminal)
        os.close(keyboard)


def test_it_refuses_a_file_that_is_not_a_backup(
    migrated_env: dict[str, str], tmp_path: Path
) -> None:
    create_user("laura@kallio.example", "Laura Nieminen", env=migrated_env)
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_text("just some notes")

    damaged = sampo("restore", str(not_a_backup), "--yes", env=migrated_env, check=False)
    missing = sampo(
        "restore", str(tmp_path / "gone.tar.gz"), "--yes", env=migrated_env, check=False
    )

    assert damaged.returncode != 0
    assert "is not a readable Sampo backup" in damaged.stderr
    assert missing.returncode != 0
    assert "There is no backup at" in missing.stderr
    assert "Traceback" not in damaged.stderr + missing.stderr
    assert "laura@kallio.example" in sampo_python(USERS, env=migrated_env)


def test_it_refuses_to_back_up_a_data_folder_without_a_database(env: dict[str, str]) -> None:
    result = sampo("backup", env=env, check=False)

    assert result.returncode != 0
    assert "run `sampo migrate` first" in result.stderr
