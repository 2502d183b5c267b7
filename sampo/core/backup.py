"""Backups: one archive holding the database, the uploaded files and a manifest.

The database is copied while Sampo runs: SQLite with its online backup API (a consistent
snapshot even while the web and the worker write), PostgreSQL with `pg_dump --format=custom`.
A restore reads and checks the whole archive before it touches anything, replaces the
database in one transaction, then swaps in the files folder.
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import django
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "sampo-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES = "files"
DUMPS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# How to point Sampo at each engine, for the message that refuses a backup of the other one.
ENGINE_SETTINGS = {
    "sqlite": "leave SAMPO_DATABASE_URL unset",
    "postgresql": "set SAMPO_DATABASE_URL=postgres://...",
}
# libpq reads these from the environment; dj-database-url puts them in OPTIONS.
PG_OPTION_VARIABLES = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


class BackupError(Exception):
    """A backup or restore that cannot go on. The message says why and what to do."""


@dataclass(frozen=True)
class Restored:
    manifest: dict[str, Any]
    files: int
    # This version's migrations that the restored database has not had yet (`sampo migrate`).
    unapplied_migrations: list[str]


def backup_create(*, destination_dir: Path) -> Path:
    """Write one archive into `destination_dir` and return its path.

    The archive appears under its final name only once it is complete.
    """
    engine = database_engine()
    migrations = _applied_migrations(engine)
    destination_dir = Path(destination_dir).resolve()
    try:
        destination_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=destination_dir, prefix=".sampo-backup-") as work:
            dump = Path(work) / DUMPS[engine]
            _DUMPERS[engine](dump)
            archive = _free_archive_name(destination_dir)
            partial = Path(work) / archive.name
            _write_archive(
                partial,
                engine=engine,
                migrations=migrations,
                dump=dump,
                destination_dir=destination_dir,
            )
            partial.replace(archive)
    except OSError as error:
        raise BackupError(f"Could not write the backup into {destination_dir}: {error}.") from error
    return archive


def backup_inspect(*, archive: Path) -> dict[str, Any]:
    """The archive's manifest, once it is known that this Sampo can restore it."""
    manifest = _read_manifest(Path(archive))
    ours, theirs = database_engine(), manifest["database"]["engine"]
    if theirs != ours:
        raise BackupError(
            f"This backup holds a {ENGINE_NAMES.get(theirs, theirs)} database, but Sampo is set "
            f"up for {ENGINE_NAMES[ours]}. A backup is restored into the same kind of database it "
            f"was taken from: {ENGINE_SETTINGS.get(theirs, 'configure that database')} and run "
            "the restore again. Nothing was changed."
        )
    unknown = _unknown_migrations(manifest["migrations"])
    if unknown:
        raise BackupError(
            "This backup comes from a newer version of Sampo: its database has migrations this "
            f"version does not know ({', '.join(unknown[:5])}"
            f"{', ...' if len(unknown) > 5 else ''}). Upgrade Sampo first, then restore. "
            "Nothing was changed."
        )
    return manifest


def backup_restore(*, archive: Path) -> Restored:
    """Replace the database and the uploaded files with the archive's."""
    archive = Path(archive)
    manifest = backup_inspect(archive=archive)
    engine = manifest["database"]["engine"]
    media = Path(settings.MEDIA_ROOT)
    try:
        # Staged beside the files folder, so that swapping it in is a rename.
        media.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=media.parent, prefix=".sampo-restore-") as tmp:
            work = Path(tmp)
            _extract(archive, work)
            dump = work / DUMPS[engine]
            _CHECKERS[engine](dump)
            connections.close_all()
            _RESTORERS[engine](dump)
            connections.close_all()
            files = _replace_files(staged=work / FILES, aside=work / "files-before-restore")
    except OSError as error:
        raise BackupError(f"Could not restore from {archive}: {error}.") from error
    return Restored(manifest=manifest, files=files, unapplied_migrations=_unapplied_migrations())


def database_engine() -> str:
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine not in ENGINES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")
    return ENGINES[engine]


# --- Writing an archive ---------------------------------------------------------------------


def _applied_migrations(engine: str) -> dict[str, list[str]]:
    if engine == "sqlite" and not _sqlite_path().exists():
        raise BackupError(
            f"There is no database at {_sqlite_path()} yet (run `sampo migrate` first). "
            "Check SAMPO_DATA_DIR."
        )
    try:
        applied = MigrationRecorder(connections["default"]).applied_migrations()
    except DatabaseError as error:
        raise BackupError(f"Could not read the database: {error}".strip()) from error
    if not applied:
        raise BackupError("The database is empty (run `sampo migrate` first); nothing to back up.")
    migrations: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        migrations.setdefault(app, []).append(name)
    return migrations


def _free_archive_name(folder: Path) -> Path:
    stem = f"sampo-backup-{timezone.localtime():%Y%m%d-%H%M%S}"
    archive, n = folder / f"{stem}.tar.gz", 1
    while archive.exists():
        n += 1
        archive = folder / f"{stem}-{n}.tar.gz"
    return archive


def _write_archive(
    path: Path, *, engine: str, migrations: dict[str, list[str]], dump: Path, destination_dir: Path
) -> None:
    media = Path(settings.MEDIA_ROOT)
    files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
    # A backup folder inside the files folder is not backed up into itself.
    files = [p for p in files if not p.resolve().is_relative_to(destination_dir)]
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created": timezone.localtime().isoformat(timespec="seconds"),
        "sampo_version": _version("sampo"),
        "django_version": django.get_version(),
        "database": {"engine": engine, "dump": dump.name},
        "files": len(files),
        "migrations": migrations,
    }
    with tarfile.open(path, "w:gz") as tar:
        # The manifest first, so that reading it does not decompress the whole archive.
        data = json.dumps(manifest, indent=2).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o644
        tar.addfile(info, io.BytesIO(data))
        tar.add(dump, arcname=dump.name)
        if media.is_dir():
            tar.add(media, arcname=FILES, recursive=False)
            for file in files:
                tar.add(file, arcname=f"{FILES}/{file.relative_to(media).as_posix()}")


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# --- Reading an archive ---------------------------------------------------------------------


@contextmanager
def _open_archive(archive: Path) -> Iterator[tarfile.TarFile]:
    if not archive.is_file():
        raise BackupError(f"There is no backup at {archive}.")
    try:
        with tarfile.open(archive, "r:gz") as tar:
            yield tar
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise BackupError(
            f"{archive} is not a readable Sampo backup ({error}). "
            "Use an archive made by `sampo backup`. Nothing was changed."
        ) from error


def _read_manifest(archive: Path) -> dict[str, Any]:
    with _open_archive(archive) as tar:
        first = tar.next()
        stream: IO[bytes] | None = None
        if first is not None and first.name == MANIFEST:
            stream = tar.extractfile(first)
        try:
            manifest = json.load(stream) if stream else None
        except ValueError:
            manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            f"{archive} is not a Sampo backup (it has no Sampo manifest). "
            "Use an archive made by `sampo backup`. Nothing was changed."
        )
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise BackupError(
            f"{archive} was made by a newer version of Sampo. Upgrade Sampo first, then restore."
        )
    return manifest


def _extract(archive: Path, work: Path) -> None:
    wanted = {MANIFEST, *DUMPS.values()}
    with _open_archive(archive) as tar:
        members = [m for m in tar if m.name in wanted or m.name.split("/")[0] == FILES]
        # The "data" filter refuses absolute paths, `..`, links out of the folder and devices.
        tar.extractall(work, members=members, filter="data")


# --- Migrations -----------------------------------------------------------------------------


def _unknown_migrations(migrations: dict[str, list[str]]) -> list[str]:
    """Migrations recorded in the backup that this version of the code does not have."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    installed = {config.label for config in apps.get_app_configs()}
    return sorted(
        f"{app}.{name}"
        for app, names in migrations.items()
        for name in names
        if app in installed and (app, name) not in known
    )


def _unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connections["default"])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    connections.close_all()
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


# --- Files ----------------------------------------------------------------------------------


def _replace_files(*, staged: Path, aside: Path) -> int:
    """Move the current files aside (deleted with the work folder) and the backup's in.

    Children are moved rather than the folder itself, so that a files folder that is a mount
    point keeps working.
    """
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    aside.mkdir()
    for child in list(media.iterdir()):
        shutil.move(child, aside / child.name)
    if staged.is_dir():
        for child in list(staged.iterdir()):
            shutil.move(child, media / child.name)
    return sum(1 for path in media.rglob("*") if path.is_file())


# --- SQLite ---------------------------------------------------------------------------------


def _sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def _sqlite_dump(target: Path) -> None:
    try:
        # mode=rw: never create an empty database where the real one was expected.
        source = sqlite3.connect(f"{_sqlite_path().as_uri()}?mode=rw", uri=True, timeout=30)
        with closing(source), closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
            # One self-contained file in the archive, without a write-ahead log beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as error:
        raise BackupError(
            f"Could not copy the SQLite database {_sqlite_path()}: {error}."
        ) from error


def _sqlite_check(dump: Path) -> None:
    try:
        with closing(sqlite3.connect(f"{dump.as_uri()}?mode=ro", uri=True)) as copy:
            result = copy.execute("PRAGMA integrity_check").fetchone()[0]
            copy.execute("SELECT 1 FROM django_migrations LIMIT 1")
    except sqlite3.Error as error:
        result = str(error)
    if result != "ok":
        raise BackupError(f"The database in the backup is damaged ({result}). Nothing was changed.")


def _sqlite_restore(dump: Path) -> None:
    live = _sqlite_path()
    live.parent.mkdir(parents=True, exist_ok=True)
    try:
        # The online backup API writes the live file in one transaction, under SQLite's own
        # locks: a web or worker process that has it open sees the old data or the new.
        with (
            closing(sqlite3.connect(f"{dump.as_uri()}?mode=ro", uri=True)) as source,
            closing(sqlite3.connect(live, timeout=30)) as target,
        ):
            source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(
            f"Could not write the SQLite database {live}: {error}. It was left as it was."
        ) from error


# --- PostgreSQL -----------------------------------------------------------------------------


def _pg_connection() -> tuple[list[str], dict[str, str]]:
    """Arguments and environment that point the PostgreSQL tools at Django's database."""
    database = settings.DATABASES["default"]
    flags = {
        "--host": database.get("HOST"),
        "--port": database.get("PORT"),
        "--username": database.get("USER"),
    }
    args = ["--no-password", *(f"{flag}={value}" for flag, value in flags.items() if value)]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    for option, variable in PG_OPTION_VARIABLES.items():
        if option in database.get("OPTIONS", {}):
            env[variable] = str(database["OPTIONS"][option])
    return args, env


def _pg_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    connection, env = _pg_connection()
    try:
        result = subprocess.run(  # noqa: S603 (fixed programs, arguments from settings)
            [command[0], *connection, *command[1:]],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            **kwargs,
        )
    except FileNotFoundError as error:
        raise _pg_tool_missing(command[0]) from error
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {_pg_errors(result.stderr)}")
    return result


def _pg_tool_missing(tool: str) -> BackupError:
    return BackupError(
        f"{tool} was not found. Install the PostgreSQL client tools of the server's version "
        "(on Debian: apt install postgresql-client)."
    )


def _pg_errors(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "ERROR" in line or "FATAL" in line or "error" in line]
    return " ".join((errors or lines)[-3:]) or "no error message"


def _postgres_dump(target: Path) -> None:
    name = settings.DATABASES["default"]["NAME"]
    _pg_run(["pg_dump", "--format=custom", f"--file={target}", f"--dbname={name}"])


def _postgres_check(dump: Path) -> None:
    try:
        _pg_run(["pg_restore", "--list", str(dump)])
    except BackupError as error:
        raise BackupError(
            f"The database in the backup is damaged ({error}). Nothing was changed."
        ) from error


def _postgres_tables(dump: Path) -> set[str]:
    """Tables in the dump, from its table of contents ("id; oid oid TABLE schema name owner")."""
    listing = _pg_run(["pg_restore", "--list", str(dump)]).stdout
    tables = set()
    for line in listing.splitlines():
        parts = line.split()
        is_table = len(parts) >= 6 and parts[3] == "TABLE" and parts[4] != "DATA"
        # ("TABLE DATA schema name owner" lines are a table's rows.)
        if is_table and not line.startswith(";"):
            tables.add(parts[5])
    return tables


def _postgres_restore(dump: Path) -> None:
    """pg_restore --clean writes the SQL; psql applies it in one transaction: all or nothing.

    The SQL goes to a file first, so that a pg_restore failing halfway never reaches the
    database. Sampo's tables that the backup lacks (added by a migration after it was taken)
    are dropped in the same transaction, so that `sampo migrate` can create them again.
    """
    script = dump.with_suffix(".sql")
    _pg_run(["pg_restore", "--clean", "--if-exists", "--no-owner", f"--file={script}", str(dump)])
    ours = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    with connections["default"].cursor() as cursor:
        live = set(connections["default"].introspection.table_names(cursor))
    quote = connections["default"].ops.quote_name
    extra = sorted((live & ours) - _postgres_tables(dump))
    preamble = dump.with_suffix(".before.sql")
    preamble.write_text(
        "".join(f"DROP TABLE IF EXISTS {quote(table)} CASCADE;\n" for table in extra)
    )
    name = settings.DATABASES["default"]["NAME"]
    try:
        _pg_run(
            [
                "psql",
                "--no-psqlrc",
                "--quiet",
                "--output=/dev/null",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                f"--dbname={name}",
                f"--file={preamble}",
                f"--file={script}",
            ]
        )
    except BackupError as error:
        raise BackupError(
            f"Restoring the PostgreSQL database failed, and it was left as it was: {error}"
        ) from error


_DUMPERS: dict[str, Callable[[Path], None]] = {
    "sqlite": _sqlite_dump,
    "postgresql": _postgres_dump,
}
_CHECKERS: dict[str, Callable[[Path], None]] = {
    "sqlite": _sqlite_check,
    "postgresql": _postgres_check,
}
_RESTORERS: dict[str, Callable[[Path], None]] = {
    "sqlite": _sqlite_restore,
    "postgresql": _postgres_restore,
}
