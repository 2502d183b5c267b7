from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sampo.core.backup import ENGINE_NAMES, BackupError, backup_inspect, backup_restore


class Command(BaseCommand):
    help = (
        "Replace the database and the uploaded files with those in an archive made by "
        "`sampo backup`. Asks first; --yes skips the question. Stop the workers while it runs."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path, help="The .tar.gz that `sampo backup` printed.")
        parser.add_argument(
            "--yes",
            action="store_true",
            help="Replace without asking (needed when there is no terminal to ask on).",
        )

    def handle(self, *args: Any, archive: Path, yes: bool, **options: Any) -> None:
        try:
            manifest = backup_inspect(archive=archive)
            if not yes:
                self.confirm(archive, manifest)
            restored = backup_restore(archive=archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the database and {restored.files} uploaded files from the backup of "
                f"{manifest['created']}."
            )
        )
        if restored.unapplied_migrations:
            self.stdout.write(
                self.style.WARNING(
                    f"The backup predates {len(restored.unapplied_migrations)} of this version's "
                    "migrations: run `sampo migrate` before starting Sampo."
                )
            )

    def confirm(self, archive: Path, manifest: dict[str, Any]) -> None:
        if not sys.stdin.isatty():
            raise CommandError(
                "Not restoring: this replaces the current database and uploaded files, and "
                "there is no terminal to confirm on. Run it again with --yes to go ahead."
            )
        engine = ENGINE_NAMES[manifest["database"]["engine"]]
        self.stdout.write(
            f"{archive}: {engine} backup of {manifest['created']} "
            f"(Sampo {manifest['sampo_version']}, {manifest['files']} uploaded files).\n"
            "Restoring replaces the current database and uploaded files with these."
        )
        if input("Type yes to restore: ").strip().lower() != "yes":
            raise CommandError("Not restored; nothing was changed.")
