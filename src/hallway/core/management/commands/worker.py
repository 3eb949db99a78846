"""Run the background worker of the configured backend (``hallway run`` starts one).

The same command serves both backends (ADR 0006): the embedded database queue, or a Celery
worker on Redis when ``HALLWAY_TASK_BACKEND=redis`` / ``TASK_BROKER_URL`` is set. Either way
the worker also runs the periodic scheduler unless ``--no-scheduler`` is given.
"""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hallway.core import tasks


class Command(BaseCommand):
    help = "Run queued background tasks (emails, indexing, …) and periodic tasks until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between polls.")
        parser.add_argument(
            "--stop-after", type=float, default=None, help="Stop after this many seconds."
        )
        parser.add_argument("--drain", action="store_true", help="Run every ready task, then exit.")
        parser.add_argument(
            "--no-scheduler", action="store_true", help="Do not enqueue periodic tasks."
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            default=int(os.environ.get("HALLWAY_WORKER_CONCURRENCY", "2")),
            help="Celery backend: worker processes.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["drain"]:
            count = 0
            while tasks.run_one():
                count += 1
            self.stdout.write(f"ran {count} task(s)")
            return
        backend = tasks.backend_name()
        if backend == "celery":
            self._run_celery(options)
            return
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        self.stdout.write("Hallway worker started.")
        self.stdout.flush()
        try:
            tasks.run_worker(
                poll_seconds=options["poll"],
                stop_after=options["stop_after"],
                schedule=not options["no_scheduler"],
            )
        except KeyboardInterrupt:
            self.stdout.write("Hallway worker stopped.")

    def _run_celery(self, options: dict[str, Any]) -> None:
        from django.db import connections

        from hallway.core import celery_app

        stop = threading.Event()
        if not options["no_scheduler"]:
            threading.Thread(
                target=tasks.run_scheduler, kwargs={"stop": stop}, name="scheduler", daemon=True
            ).start()
        connections.close_all()  # prefork children open their own connections
        self.stdout.write("Hallway worker started (Celery on Redis).")
        self.stdout.flush()
        try:
            celery_app.run_worker(concurrency=options["concurrency"])
        finally:
            stop.set()
            self.stdout.write("Hallway worker stopped.")
