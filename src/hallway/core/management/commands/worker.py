"""Run the embedded background worker (``hallway run`` starts one beside the web server)."""

from __future__ import annotations

import signal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hallway.core import tasks


class Command(BaseCommand):
    help = "Run queued background tasks (emails, indexing, …) until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--stop-after", type=float, default=None, help="Stop after this many seconds."
        )
        parser.add_argument("--drain", action="store_true", help="Run every ready task, then exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["drain"]:
            count = 0
            while tasks.run_one():
                count += 1
            self.stdout.write(f"ran {count} task(s)")
            return
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        self.stdout.write("Hallway worker started.")
        try:
            tasks.run_worker(poll_seconds=options["poll"], stop_after=options["stop_after"])
        except KeyboardInterrupt:
            self.stdout.write("Hallway worker stopped.")
