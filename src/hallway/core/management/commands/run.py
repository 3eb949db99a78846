"""``hallway run``: migrate, load the demo on a new database, serve web + worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from hallway.companies.models import Company


class Command(BaseCommand):
    help = "Serve Hallway with its background worker (the embedded default of `make run`)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default=os.environ.get("HALLWAY_BIND", "127.0.0.1:8000"), help="host:port"
        )
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("HALLWAY_WEB_WORKERS", "2"))
        )
        parser.add_argument("--no-demo", action="store_true", help="Never load the demo network.")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the worker.")
        parser.add_argument(
            "--task-workers",
            type=int,
            default=int(os.environ.get("HALLWAY_TASK_WORKERS", "2")),
            help="Embedded worker processes (two build 10,000 digests in under two minutes "
            "on two cores: bench/RESULTS.md).",
        )
        parser.add_argument(
            "--server",
            choices=["asgi", "wsgi"],
            default=os.environ.get("HALLWAY_SERVER", "asgi"),
            help="asgi: uvicorn, live event streams (default); wsgi: gunicorn sync workers, "
            "where the live stream falls back to polling every few seconds (ADR 0006).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        is_new = not Company.objects.filter(kind=Company.Kind.HOST).exists()
        loaded_demo = False
        if is_new and not options["no_demo"] and os.environ.get("HALLWAY_DEMO", "1") != "0":
            self.stdout.write("New database: loading the demo company (hallway demo)…")
            call_command("demo")
            loaded_demo = True
        self._print_welcome(options["bind"], demo=loaded_demo or self._has_demo())

        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hallway.settings"}
        children: list[subprocess.Popen[bytes]] = []
        if not options["no_worker"]:
            for _ in range(max(1, options["task_workers"])):
                children.append(
                    subprocess.Popen([sys.executable, "-m", "hallway.cli", "worker"], env=env)
                )
        children.append(
            subprocess.Popen(
                self._server_command(options["bind"], options["workers"], options["server"]),
                env=env,
            )
        )
        self._supervise(children)

    @staticmethod
    def _server_command(bind: str, workers: int, server: str) -> list[str]:
        if server == "wsgi":
            return [
                sys.executable,
                "-m",
                "gunicorn",
                "hallway.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ]
        host, _, port = bind.rpartition(":")
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "hallway.asgi:application",
            "--host",
            host or "127.0.0.1",
            "--port",
            port,
            "--workers",
            str(workers),
            "--lifespan",
            "off",
            # Open event streams must not hold a restart back for long.
            "--timeout-graceful-shutdown",
            "5",
            "--no-server-header",
        ]

    def _has_demo(self) -> bool:
        from hallway.accounts.models import User
        from hallway.demo.personas import PERSONAS

        return User.objects.filter(email=PERSONAS["admin"]).exists()

    def _print_welcome(self, bind: str, *, demo: bool) -> None:
        url = settings.HALLWAY_BASE_URL
        if not os.environ.get("HALLWAY_BASE_URL"):
            url = f"http://{bind}"
        lines = ["", f"Hallway is starting at {url}"]
        if demo:
            from hallway.demo.personas import DEMO_PASSWORD, PERSONAS

            lines.append(
                f"Sign in as {PERSONAS['admin']} (network admin), password {DEMO_PASSWORD!r};"
                " every demo person has that password (docs/demo.md lists the personas)."
            )
        else:
            lines.append("Create an admin: hallway createadmin --email E --name N --password-stdin")
        lines.append("Press Ctrl+C to stop.")
        self.stdout.write("\n".join(lines) + "\n")
        self.stdout.flush()

    def _supervise(self, children: list[subprocess.Popen[bytes]]) -> None:
        stopping = False

        def stop(*_: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            deadline = time.monotonic() + 15
            for child in children:
                try:
                    child.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    child.kill()
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, None)]
        if failed and not stopping:
            raise SystemExit(1)
