"""Crash test (issue 4): kill -9 a real worker in the middle of sending mail, start it again,
and every recipient has exactly one message on a real SMTP server.

Runs the embedded database queue (SQLite file) and the Celery backend on the real Redis
(database 13) with PostgreSQL. The SMTP server answers RCPT slowly (0.1 s), so the worker
spends its time between messages, where a crash is what the once-only keys must absorb.
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
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

HALLWAY = Path(sys.executable).parent / "hallway"
RECIPIENTS = [f"person{n:02d}@example.com" for n in range(20)]
REDIS_URL = "redis://127.0.0.1:6379/13"
PG_URL = os.environ.get("HALLWAY_PG_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres")

ENQUEUE = """
import django
django.setup()
from hallway.core.email import queue_personal_emails
queue_personal_emails(subject="Weekly digest", recipients={recipients!r}, text="Hello",
                      html="<p>Hello</p>", idempotency_key="crash-test-digest")
queue_personal_emails(subject="Weekly digest", recipients={recipients!r}, text="Hello",
                      html="<p>Hello</p>", idempotency_key="crash-test-digest")
"""


class Recorder:
    def __init__(self) -> None:
        self.received: list[str] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        await asyncio.sleep(0.1)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.received.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    def count(self) -> int:
        with self.lock:
            return len(self.received)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield recorder, controller.port
    controller.stop()


def _run(env: dict[str, str], *args: str, timeout: float = 180) -> None:
    subprocess.run([str(HALLWAY), *args], env=env, check=True, timeout=timeout, capture_output=True)


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(HALLWAY), "worker", "--poll", "0.2", "--concurrency", "1", "--no-scheduler"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture
def backend_env(request, tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HALLWAY_"))},
        "HALLWAY_DATA_DIR": str(tmp_path),
        "HALLWAY_TASK_LEASE_SECONDS": "3",
        "HALLWAY_LOG_LEVEL": "WARNING",
    }
    env.pop("DATABASE_URL", None)
    env.pop("TASK_BROKER_URL", None)
    env.pop("REDIS_URL", None)
    if request.param == "database":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'hallway.sqlite3'}"
        yield env
        return
    import psycopg
    import redis

    name = f"hallway_crash_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    env.update(
        DATABASE_URL=PG_URL.rsplit("/", 1)[0] + "/" + name,
        HALLWAY_TASK_BACKEND="redis",
        TASK_BROKER_URL=REDIS_URL,
        HALLWAY_TASK_VISIBILITY_TIMEOUT="3",
    )
    try:
        yield env
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.mark.parametrize("backend_env", ["database", "celery"], indirect=True)
def test_killed_worker_sends_each_email_exactly_once(backend_env, smtp, tmp_path):
    recorder, port = smtp
    env = {**backend_env, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    _run(env, "migrate", "--noinput")
    subprocess.run(
        [sys.executable, "-c", ENQUEUE.format(recipients=RECIPIENTS)],
        env={**env, "DJANGO_SETTINGS_MODULE": "hallway.settings"},
        check=True,
        timeout=60,
    )
    log = tmp_path / "worker.log"
    worker = _start_worker(env, log)
    try:
        deadline = time.monotonic() + 60
        while recorder.count() < 6 and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()
            time.sleep(0.005)
        assert recorder.count() >= 6, log.read_text()
        time.sleep(0.04)  # in the RCPT of the next message
        _kill(worker)
        at_kill = recorder.count()
        assert 0 < at_kill < len(RECIPIENTS), "the worker was not killed while sending"

        worker = _start_worker(env, log)
        deadline = time.monotonic() + 60
        while recorder.count() < len(RECIPIENTS) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.0)  # anything sent twice would arrive now
    finally:
        _kill(worker)
    counts = Counter(recorder.received)
    assert set(counts) == set(RECIPIENTS), log.read_text()
    assert all(count == 1 for count in counts.values()), counts
