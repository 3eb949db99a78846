"""``hallway reactivate EMAIL``: let a deactivated person sign in again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hallway.accounts.actions import do_reactivate_user
from hallway.accounts.management.commands._people import person_by_email
from hallway.core.errors import ActionError


class Command(BaseCommand):
    help = "Reactivate a deactivated person (their old API tokens stay revoked)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        user = person_by_email(options["email"])
        try:
            do_reactivate_user(actor=None, user=user)
        except ActionError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Reactivated {user.name} <{user.email}>.")
