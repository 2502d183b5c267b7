from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sampo.accounts import services
from sampo.accounts.models import Role


class Command(BaseCommand):
    help = (
        "Create a user. Without --password-stdin the user is emailed a link to choose a "
        "password. Example: sampo createuser anna@example.fi --name 'Anna Kallio' --role admin"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", required=True, help="Full name as colleagues see it.")
        parser.add_argument(
            "--role",
            default=Role.SALESPERSON,
            help="Role code: admin, sales_manager, salesperson, marketing, support, read_only.",
        )
        parser.add_argument(
            "--language", default=settings.LANGUAGE_CODE, choices=[c for c, _ in settings.LANGUAGES]
        )
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from standard input instead of emailing an invitation.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        role = Role.objects.filter(code=options["role"]).first()
        if role is None:
            codes = ", ".join(Role.objects.values_list("code", flat=True))
            raise CommandError(f"Unknown role {options['role']!r}. Roles: {codes}.")
        password = None
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
            if not password:
                raise CommandError("No password on standard input.")
        try:
            user = services.user_create(
                actor=None,
                email=options["email"],
                name=options["name"],
                role=role,
                language=options["language"],
                password=password,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        how = "with the given password" if password else "and emailed an invitation"
        self.stdout.write(self.style.SUCCESS(f"Created {user.email} ({role}) {how}."))
