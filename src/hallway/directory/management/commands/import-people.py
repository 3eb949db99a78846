"""``hallway import-people FILE [--dry-run]``: import people from a CSV and print the report."""  # noqa: N999  (the command name has a hyphen)

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from hallway.directory.actions import do_import_people, plan_import


class Command(BaseCommand):
    help = "Import people (and manager links) from a CSV file; --dry-run only checks it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV with email,name,title,department,manager_email,...")
        parser.add_argument("--dry-run", action="store_true", help="Check and plan, write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = Path(options["file"]).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc}") from exc
        if options["dry_run"]:
            report = plan_import(text)
            self.stdout.write("Dry run (nothing written):")
        else:
            report = do_import_people(actor=None, text=text)
        for line in report.lines():
            self.stdout.write(line)
