"""``hallway invite --email E --name N [--guest --company SLUG]``: invite someone by email."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hallway.accounts.actions import do_invite_user, invitation_url
from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.core.errors import ActionError


class Command(BaseCommand):
    help = (
        "Invite a member of the host company, or (--guest --company SLUG) a guest of an external "
        "company. Sends the invitation email and prints the invitation link on the last line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--guest", action="store_true", help="Invite a guest, not a member.")
        parser.add_argument("--company", default="", help="Slug of the guest's external company.")

    def handle(self, *args: Any, **options: Any) -> None:
        company = None
        if options["guest"]:
            if not options["company"]:
                raise CommandError("A guest needs --company SLUG (their external company).")
            company = Company.objects.filter(slug=options["company"]).first()
            if company is None:
                raise CommandError(f"No company with the slug {options['company']!r}.")
        elif options["company"]:
            raise CommandError(
                "--company is for guests (add --guest); members join the host company."
            )
        try:
            user, raw_key = do_invite_user(
                actor=None,
                email=options["email"],
                name=options["name"],
                kind=User.Kind.GUEST if options["guest"] else User.Kind.MEMBER,
                company=company,
            )
        except ActionError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Invited {user.name} <{user.email}> ({user.get_kind_display().lower()})."
        )
        self.stdout.write(invitation_url(raw_key))
