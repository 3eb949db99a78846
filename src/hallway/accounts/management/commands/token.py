"""``hallway token EMAIL [--name NAME]``: print a new API token on the last line of output."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from hallway.accounts.actions import do_create_api_token
from hallway.accounts.management.commands._people import person_by_email
from hallway.core.errors import ActionError


class Command(BaseCommand):
    help = (
        "Create a personal API token for an active person and print it on the last line of "
        "output (shown once; only its hash is stored)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The person's email address.")
        parser.add_argument("--name", default="", help="What the token is for.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = person_by_email(options["email"])
        if not user.is_active:
            raise CommandError(f"{user.email} is {user.state}; only active people can have tokens.")
        name = options["name"] or f"command line {timezone.now():%Y-%m-%d %H:%M}"
        try:
            _, raw = do_create_api_token(user=user, name=name)
        except ActionError as error:
            raise CommandError(error.message) from error
        self.stdout.write(raw)
