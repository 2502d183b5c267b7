from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sampo.accounts import api_tokens
from sampo.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = (
        "Manage a user's API tokens. `sampo token create EMAIL --scope read|write [--name N]` "
        "prints a new token once; `sampo token list EMAIL`; `sampo token revoke EMAIL PREFIX`."
    )

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token and print it (shown once).")
        create.add_argument("email")
        create.add_argument("--scope", choices=ApiToken.Scope.values, default="read")
        create.add_argument("--name", default="command line")
        listing = actions.add_parser("list", help="The user's tokens, without their secrets.")
        listing.add_argument("email")
        revoke = actions.add_parser("revoke", help="Revoke the token that starts with PREFIX.")
        revoke.add_argument("email")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email=options["email"].strip().lower()).first()
        if user is None:
            raise CommandError(f"No user with the email {options['email']!r}.")
        getattr(self, f"_{options['action']}")(user, options)

    def _create(self, user: User, options: dict[str, Any]) -> None:
        try:
            issued = api_tokens.api_token_create(
                actor=user, user=user, name=options["name"], scope=options["scope"]
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stderr.write(f"Created a {issued.token.scope} token for {user.email}; keep it safe:")
        self.stdout.write(issued.secret)

    def _list(self, user: User, options: dict[str, Any]) -> None:
        for token in api_tokens.api_tokens_of(user):
            state = "revoked" if token.revoked_at else "active"
            used = token.last_used_at.isoformat() if token.last_used_at else "never used"
            self.stdout.write(f"{token.prefix}…  {token.scope:5}  {state:7}  {used}  {token.name}")

    def _revoke(self, user: User, options: dict[str, Any]) -> None:
        tokens = api_tokens.api_tokens_of(user).filter(
            prefix__startswith=options["prefix"].rstrip("…"), revoked_at__isnull=True
        )
        if len(tokens) != 1:
            raise CommandError(f"{len(tokens)} active tokens start with {options['prefix']!r}.")
        api_tokens.api_token_revoke(actor=user, token=tokens[0])
        self.stdout.write(f"Revoked {tokens[0]}.")
