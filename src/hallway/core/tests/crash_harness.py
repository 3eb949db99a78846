"""What the crash tests share: a real SMTP server on 127.0.0.1 that answers slowly, real
``hallway worker`` processes, and a backend environment (the embedded queue on a SQLite file,
or Celery on the real Redis with a throwaway PostgreSQL database).

``send_kill_restart`` starts a worker, kills it with SIGKILL (its whole process group) once
some messages have arrived and while it is inside the next SMTP exchange, starts it again
and waits until every expected message could have arrived twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from aiosmtpd.controller import Controller

HALLWAY = Path(sys.executable).parent / "hallway"
PG_URL = os.environ.get("HALLWAY_PG_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres")


class Recorder:
    """An aiosmtpd handler that takes 0.1 s per recipient and records who received what."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]  # noqa: N802
        await asyncio.sleep(0.1)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        with self.lock:
            self.received.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.received)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[Recorder, int]]:
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield recorder, controller.port
    finally:
        controller.stop()


@contextlib.contextmanager
def backend_environment(
    kind: str, tmp_path: Path, *, redis_db: int, name_prefix: str
) -> Iterator[dict[str, str]]:
    """Environment variables for ``hallway`` subprocesses: ``database`` (SQLite file) or
    ``celery`` (Redis database ``redis_db`` and a new PostgreSQL database, dropped after)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HALLWAY_"))},
        "HALLWAY_DATA_DIR": str(tmp_path),
        "HALLWAY_TASK_LEASE_SECONDS": "3",
        "HALLWAY_LOG_LEVEL": "WARNING",
    }
    for name in ("DATABASE_URL", "TASK_BROKER_URL", "REDIS_URL"):
        env.pop(name, None)
    if kind == "database":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'hallway.sqlite3'}"
        yield env
        return
    import psycopg
    import redis

    redis_url = f"redis://127.0.0.1:6379/{redis_db}"
    name = f"{name_prefix}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    redis.Redis.from_url(redis_url).flushdb()
    env.update(
        DATABASE_URL=PG_URL.rsplit("/", 1)[0] + "/" + name,
        HALLWAY_TASK_BACKEND="redis",
        TASK_BROKER_URL=redis_url,
        HALLWAY_TASK_VISIBILITY_TIMEOUT="3",
    )
    try:
        yield env
    finally:
        redis.Redis.from_url(redis_url).flushdb()
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def prepare(env: dict[str, str], script: str, *, timeout: float = 180) -> None:
    """Migrate the database, then run ``script`` (Python, after ``django.setup()``)."""
    subprocess.run(
        [str(HALLWAY), "migrate", "--noinput"],
        env=env,
        check=True,
        timeout=timeout,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "-c", "import django\ndjango.setup()\n" + script],
        env={**env, "DJANGO_SETTINGS_MODULE": "hallway.settings"},
        check=True,
        timeout=timeout,
    )


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(HALLWAY), "worker", "--poll", "0.2", "--concurrency", "1", "--no-scheduler"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def send_kill_restart(
    env: dict[str, str],
    recorder: Recorder,
    log: Path,
    *,
    kill_after: int,
    expected: int,
    timeout: float = 90,
    settle: float = 1.5,
) -> tuple[Counter[str], int]:
    """Run a worker until ``kill_after`` messages arrived, kill it mid-exchange, restart it
    and wait for ``expected`` messages (and ``settle`` seconds for duplicates). Returns the
    messages per recipient and how many had arrived at the kill."""
    worker = start_worker(env, log)
    try:
        deadline = time.monotonic() + timeout
        while recorder.count() < kill_after and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()
            time.sleep(0.005)
        assert recorder.count() >= kill_after, log.read_text()
        time.sleep(0.04)  # inside the next SMTP exchange
        kill(worker)
        at_kill = recorder.count()
        worker = start_worker(env, log)
        deadline = time.monotonic() + timeout
        while recorder.count() < expected and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(settle)  # anything sent twice would arrive now
    finally:
        kill(worker)
    return Counter(recorder.received), at_kill
