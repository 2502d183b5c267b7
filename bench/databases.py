"""Where each benchmark database lives, and the environment a `sampo` process needs to use it.
The suite never touches the developer's var/ data: SQLite files go under the data folder
chosen on the command line, PostgreSQL databases are named sampo_bench_<scale>[_suffix]."""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import psycopg

ENGINES = ("sqlite", "postgres")


@dataclass(frozen=True)
class Target:
    engine: str
    scale: str
    data_dir: Path  # the bench data folder (CSV files, manifests), per scale
    pg_url: str  # server URL without a database name, e.g. postgres://postgres@127.0.0.1:5432
    pg_prefix: str = ""  # database name; sampo_bench_<scale> unless given

    def folder(self, suffix: str = "") -> Path:
        return self.data_dir / f"{self.engine}{suffix}"

    def pg_name(self, suffix: str = "") -> str:
        return f"{self.pg_prefix or f'sampo_bench_{self.scale}'}{suffix}"

    def env(self, suffix: str = "") -> dict[str, str]:
        """The environment of a process working on this database ("" the dataset, "-import"
        the empty copy that the import scenario fills)."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("SAMPO_")}
        env["SAMPO_DATA_DIR"] = str(self.folder(suffix))
        env["SAMPO_LOG_LEVEL"] = "WARNING"
        # An import slice may run as long as it needs: the scenario times one whole import.
        env["SAMPO_WORKER_TASK_TIMEOUT"] = "86400"
        # One request at a time per client: no lock-out for the warm-up logins.
        env["SAMPO_LOGIN_FAILURE_LIMIT"] = "1000"
        if self.engine == "postgres":
            env["SAMPO_DATABASE_URL"] = f"{self.pg_url}/{self.pg_name(suffix.replace('-', '_'))}"
        return env

    def exists(self) -> bool:
        if self.engine == "sqlite":
            return (self.folder() / "sampo.sqlite3").exists() and self.manifest_path().exists()
        return self.manifest_path().exists() and _pg_exists(self.pg_url, self.pg_name())

    def manifest_path(self) -> Path:
        return self.folder() / "manifest.json"

    def reset(self) -> None:
        """An empty place for the dataset (migrations are run by the generator)."""
        shutil.rmtree(self.folder(), ignore_errors=True)
        self.folder().mkdir(parents=True)
        if self.engine == "postgres":
            for suffix in ("", "_empty", "_import"):
                _pg(self.pg_url, f'DROP DATABASE IF EXISTS "{self.pg_name(suffix)}" WITH (FORCE)')
            _pg(self.pg_url, f'CREATE DATABASE "{self.pg_name()}"')

    def drop(self) -> None:
        shutil.rmtree(self.data_dir, ignore_errors=True)
        if self.engine == "postgres":
            for suffix in ("", "_empty", "_import"):
                _pg(self.pg_url, f'DROP DATABASE IF EXISTS "{self.pg_name(suffix)}" WITH (FORCE)')

    def snapshot_empty(self) -> None:
        """Keep the migrated database with its users and pipelines but no register, for the
        import scenario to start from."""
        if self.engine == "sqlite":
            target = self.folder() / "empty.sqlite3"
            target.unlink(missing_ok=True)
            with sqlite3.connect(self.folder() / "sampo.sqlite3") as db:
                db.execute(f"VACUUM INTO '{target}'")
            return
        _pg(self.pg_url, f'CREATE DATABASE "{self.pg_name("_empty")}" TEMPLATE "{self.pg_name()}"')

    def fresh_import_copy(self) -> None:
        """A new copy of the empty database for one import run."""
        folder = self.folder("-import")
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        shutil.copy(self.folder() / "secret_key", folder / "secret_key")
        if self.engine == "sqlite":
            shutil.copy(self.folder() / "empty.sqlite3", folder / "sampo.sqlite3")
            return
        _pg(self.pg_url, f'DROP DATABASE IF EXISTS "{self.pg_name("_import")}" WITH (FORCE)')
        _pg(
            self.pg_url,
            f'CREATE DATABASE "{self.pg_name("_import")}" TEMPLATE "{self.pg_name("_empty")}"',
        )


def _pg(url: str, statement: str) -> None:
    with psycopg.connect(f"{url}/postgres", autocommit=True) as db:
        db.execute(statement)  # type: ignore[arg-type]


def _pg_exists(url: str, name: str) -> bool:
    with psycopg.connect(f"{url}/postgres", autocommit=True) as db:
        row = db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None
