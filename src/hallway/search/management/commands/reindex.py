"""``hallway reindex``: rebuild the search index from posts, comments and files."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from hallway.search.sync import BATCH, rebuild_index


class Command(BaseCommand):
    help = "Rebuild the search index from the posts, comments and files (batched)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=BATCH, help="Rows per transaction.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        last = [0.0]

        def progress(name: str, done: int) -> None:
            if time.monotonic() - last[0] >= 5:
                last[0] = time.monotonic()
                self.stdout.write(f"  {name}: {done:,}")

        total = rebuild_index(batch=max(100, options["batch"]), progress=progress)
        seconds = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Indexed {total:,} documents in {seconds:.1f} s."))
