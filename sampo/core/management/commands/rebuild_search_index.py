from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sampo.core import search_index


class Command(BaseCommand):
    help = (
        "Build global search's trigram indexes again from the tables (they are kept up to "
        "date on every write and created by `sampo migrate`; this is for repairs)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args: Any, **options: Any) -> None:
        built = search_index.ensure(options["database"], rebuild=True)
        self.stdout.write(f"Rebuilt: {', '.join(built) or 'nothing to build'}")
