"""``hallway deactivate EMAIL [--reason TEXT]``: end someone's access at once; content stays."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hallway.accounts.actions import do_deactivate_user
from hallway.accounts.management.commands._people import person_by_email
from hallway.core.errors import ActionError


class Command(BaseCommand):
    help = "Deactivate a person: sessions and API tokens end at once; their content stays."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--reason", default="", help="Kept in the audit log.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = person_by_email(options["email"])
        try:
            do_deactivate_user(actor=None, user=user, reason=options["reason"])
        except ActionError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Deactivated {user.name} <{user.email}>.")
