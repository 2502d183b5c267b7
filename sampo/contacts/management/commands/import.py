"""`sampo import`: the name is the command's, so the module's name is a keyword."""  # noqa: N999

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from sampo.accounts.models import User
from sampo.contacts.imports import services
from sampo.contacts.imports.fields import targets
from sampo.contacts.imports.models import ImportBatch, import_kind_choices
from sampo.lib.spreadsheets import write_csv

EXIT_ROWS_FAILED = 2


class Command(BaseCommand):
    help = (
        "Import organizations, people or opportunities (and any record type an app "
        "registers) from a CSV, XLSX or vCard file, as the web wizard does: the columns are "
        "guessed from the headers (English, Finnish, Hungarian, Outlook, "
        "Google Contacts, Sampo's exports) unless --mapping says otherwise. Prints a summary; "
        "the import can be undone by an admin from its page in the web app. Exit code: 0 when "
        "every row was imported, updated or knowingly skipped; 2 when some rows failed (the "
        "others are imported; --failed-rows writes them out); 1 when nothing was imported "
        "(unreadable file, bad options). Example: sampo import people contacts.csv "
        "--as anna@example.fi --match email --mapping 'Sähköposti=email'"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=[key for key, _label in import_kind_choices()])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--as",
            dest="actor",
            required=True,
            metavar="EMAIL",
            help="The user the import runs as: owner of new records unless a column says "
            "otherwise, and named in their history.",
        )
        parser.add_argument(
            "--mapping",
            action="append",
            default=[],
            metavar="JSON-FILE|COLUMN=FIELD",
            help="A JSON file {column: field}, or COLUMN=FIELD (a header or a 1-based column "
            "number; an empty FIELD ignores the column). Repeatable. Columns not named keep the "
            "guess. --fields lists the fields.",
        )
        parser.add_argument(
            "--match",
            help="Comma-separated keys that find an existing record, tried in order: "
            "organizations source_id,business_id,email,name; people source_id,email,name; "
            "opportunities source_id. Default: source_id and business_id (organizations), "
            "email (people), source_id (opportunities).",
        )
        on_match = parser.add_mutually_exclusive_group()
        on_match.add_argument(
            "--update",
            dest="on_match",
            action="store_const",
            const="update",
            help="Update a record that a row matches (default).",
        )
        on_match.add_argument(
            "--skip",
            dest="on_match",
            action="store_const",
            const="skip",
            help="Leave a matched record as it is and skip the row.",
        )
        parser.add_argument(
            "--source",
            default=services.DEFAULT_SOURCE,
            help="Name of the system the source ids come from (default: %(default)s).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything and report it, then roll it all back.",
        )
        parser.add_argument(
            "--failed-rows",
            type=Path,
            metavar="CSV-FILE",
            help="Write the rows that were not imported, with the reason, to this CSV file.",
        )
        parser.add_argument(
            "--fields", action="store_true", help="List the fields a column can go into."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        if options["fields"]:
            with translation.override("en"):
                for key, target in targets(kind).items():
                    self.stdout.write(f"{key:26} {target.label}")
            return
        actor = User.objects.filter(email__iexact=options["actor"], is_active=True).first()
        if actor is None:
            raise CommandError(f"No active user with the email {options['actor']!r}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        match = (
            [key.strip() for key in options["match"].split(",") if key.strip()]
            if options["match"]
            else services.default_match(kind)
        )
        import_options = services.ImportOptions(
            match, options["on_match"] or "update", options["source"]
        )
        with translation.override("en"):
            batch = self._run(actor, kind, path, options, import_options)
            self._summary(batch, dry_run=options["dry_run"])
            if options["failed_rows"] and batch.failed_count + batch.duplicate_count:
                headers, rows = services.failed_rows(batch)
                options["failed_rows"].write_bytes(write_csv(list(rows), headers))
        if batch.failed_count:
            sys.exit(EXIT_ROWS_FAILED)

    def _run(
        self,
        actor: User,
        kind: str,
        path: Path,
        options: dict[str, Any],
        import_options: services.ImportOptions,
    ) -> ImportBatch:
        try:
            return services.import_from_file(
                actor=actor,
                kind=kind,
                file_name=path.name,
                content=path.read_bytes(),
                mapping=_mapping(options["mapping"]),
                options=import_options,
                dry_run=options["dry_run"],
                progress=self._progress,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except PermissionDenied as error:
            raise CommandError(f"{actor.email} may not add {kind}.") from error
        finally:
            self.stderr.write("")

    def _progress(self, batch: ImportBatch) -> None:
        total = batch.total_rows or 1
        done = batch.processed_rows
        filled = 30 * done // total
        bar = "#" * filled + "-" * (30 - filled)
        self.stderr.write(f"\r[{bar}] {done}/{batch.total_rows} rows", ending="")
        self.stderr.flush()

    def _summary(self, batch: ImportBatch, *, dry_run: bool) -> None:
        lines = [
            (
                f"{'Dry run, nothing saved: ' if dry_run else ''}{batch.total_rows} rows of "
                f"{batch.kind} from {batch.file_name}"
            ),
            f"  created:              {batch.created_count}",
            f"  updated:              {batch.updated_count}",
            f"  unchanged:            {batch.unchanged_count}",
            f"  skipped (exists):     {batch.skipped_count}",
            f"  skipped as duplicate: {batch.duplicate_count}",
            f"  failed:               {batch.failed_count}",
        ]
        if not dry_run:
            lines.append(f"Import #{batch.pk}; an admin can undo it on its page.")
        self.stdout.write("\n".join(lines))
        problems = batch.rows.exclude(outcome__in=["created", "updated", "unchanged"])
        for row in problems.order_by("row_number")[:20]:
            self.stdout.write(f"  row {row.row_number}: {row.get_outcome_display()}: {row.message}")


def _mapping(values: list[str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for value in values:
        path = Path(value)
        if value.endswith(".json") and path.is_file():
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"Cannot read the mapping {value}: {error}") from error
            if not isinstance(loaded, dict):
                raise CommandError(f"The mapping {value} must be a JSON object.")
            mapping.update({str(k): str(v or "") for k, v in loaded.items()})
        elif "=" in value:
            column, _sign, field = value.rpartition("=")
            mapping[column.strip()] = field.strip()
        else:
            raise CommandError(f"--mapping {value!r}: give a JSON file or COLUMN=FIELD.")
    return mapping
