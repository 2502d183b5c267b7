from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sampo.core.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = (
        "Load demo data for a Finnish SMB (users, teams, and each domain's records). "
        "Safe to run again: existing demo data is kept and nothing is added twice."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")

    def handle(self, *args: Any, seed: int, **options: Any) -> None:
        context = load_demo(seed=seed, log=lambda line: self.stdout.write(line))
        admin = context.objects["users"]["admin"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data is ready. Log in as {admin.email} with the password "
                f"{DEMO_PASSWORD!r} (every demo user has the same password)."
            )
        )
