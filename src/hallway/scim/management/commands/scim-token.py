"""``hallway scim-token NAME``: create a SCIM provisioning client; the token is the last line."""  # noqa: N999  (the command name has a hyphen)

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hallway.core.errors import ActionError
from hallway.scim.actions import do_create_scim_client


class Command(BaseCommand):
    help = "Create a SCIM provisioning client and print its bearer token (shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="A name for the client, such as 'Entra ID'.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            client, raw = do_create_scim_client(actor=None, name=options["name"])
        except ActionError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"Created SCIM client “{client.name}” (id {client.pk}).")
        self.stdout.write("SCIM URL: <your Hallway address>/scim/v2/  —  the token, shown once:")
        self.stdout.write(raw)
