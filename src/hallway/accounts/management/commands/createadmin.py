"""``hallway createadmin --email E --name N --password-stdin``: make an active network admin."""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hallway.accounts.actions import do_create_or_promote_admin
from hallway.core.errors import ActionError


class Command(BaseCommand):
    help = (
        "Create an active network admin of the host company (creating the host company, named "
        "from HALLWAY_COMPANY_NAME, if there is none), or promote an existing member and set "
        "their password. For scripts, pipe the password in with --password-stdin."
    )
    # call_command(..., stdin=io.StringIO("secret\n")) in tests.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="The admin's sign-in email address.")
        parser.add_argument("--name", default="", help="Their name (required for a new person).")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of standard input.",
        )
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Never prompt (fail instead); implied when standard input is not a terminal.",
        )

    def _password(self, options: dict[str, Any]) -> str:
        stdin = options.get("stdin") or sys.stdin
        if options["password_stdin"]:
            line = stdin.readline()
            return line.rstrip("\r\n")
        if options["interactive"] and stdin.isatty():
            first = getpass.getpass("Password: ")
            if first != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
            return first
        raise CommandError(
            "No password given: use --password-stdin (for example: "
            'echo "$PASSWORD" | hallway createadmin --email … --password-stdin).'
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = self._password(options)
        if not password:
            raise CommandError("The password is empty.")
        try:
            user, created = do_create_or_promote_admin(
                email=options["email"],
                name=options["name"],
                password=password,
                host_company_name=os.environ.get("HALLWAY_COMPANY_NAME", "Hallway"),
            )
        except ActionError as error:
            raise CommandError(error.message) from error
        verb = "Created" if created else "Promoted"
        self.stdout.write(
            f"{verb} network admin {user.name} <{user.email}> of {user.company.name}."
        )
