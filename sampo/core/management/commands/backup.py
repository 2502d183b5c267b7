from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from sampo.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files into one archive (.tar.gz) and print its "
        "path. Safe while Sampo runs: SQLite is copied with its online backup API, PostgreSQL "
        "with pg_dump. Bring a backup back with `sampo restore ARCHIVE`."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            metavar="DIR",
            default=settings.BACKUP_DIR,
            help=f"Folder for the archive (default $SAMPO_BACKUP_DIR, now {settings.BACKUP_DIR}).",
        )

    def handle(self, *args: Any, output: Path, **options: Any) -> None:
        try:
            archive = backup_create(destination_dir=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))
