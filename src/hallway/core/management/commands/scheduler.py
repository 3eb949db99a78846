"""Run only the periodic scheduler (workers run it too; any number may run at once)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from hallway.core import tasks


class Command(BaseCommand):
    help = "Enqueue periodic tasks when their slot is due (one enqueue per slot, however many run)."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        self.stdout.write("Hallway scheduler started: " + ", ".join(sorted(tasks.PERIODIC)))
        self.stdout.flush()
        tasks.run_scheduler(stop=stop)
        self.stdout.write("Hallway scheduler stopped.")
