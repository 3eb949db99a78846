"""Crash test for digests (issue 4): kill -9 a real worker in the middle of sending the
digests of 30 people, start it again, and every one of them has exactly one digest on a
real SMTP server (aiosmtpd on 127.0.0.1).

The same harness as ``core/tests/test_worker_crash.py``: the embedded database queue on a
SQLite file, and the Celery backend on the real Redis (database 12) with PostgreSQL. The
digests are queued by the real scheduler (``schedule_digests``), twice, as if two
schedulers had run. The SMTP server answers RCPT slowly (0.1 s), so the kill lands between
or inside SMTP exchanges.
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
PEOPLE = 30
REDIS_URL = "redis://127.0.0.1:6379/12"
PG_URL = os.environ.get("HALLWAY_PG_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres")

SETUP = """
import django
django.setup()
from datetime import timedelta
from django.db import transaction
from django.utils import timezone
from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.notifications.digests import period_of, schedule_digests
from hallway.posts.actions import do_create_post
from hallway.profiles.actions import ensure_profile

host = Company.objects.create(name="Northwind", slug="northwind", kind="host")
admin = User.objects.create_user("admin@example.com", None, name="Ada Admin", company=host,
                                 is_network_admin=True)
ensure_profile(admin)
for n in range({people}):
    ensure_profile(User.objects.create_user(f"person{{n:02d}}@example.com", None,
                                            name=f"Person {{n:02d}}", company=host))
do_create_post(author=admin, kind="announcement", title="All hands on Friday",
               body="Everyone is welcome")
monday_morning = period_of("weekly", timezone.now()).start + timedelta(hours=9)
for _ in range(2):  # two schedulers in the same hour: queued once
    with transaction.atomic():
        schedule_digests(monday_morning)
with transaction.atomic():  # two hours later, not yet sent: the same people queued again
    schedule_digests(monday_morning + timedelta(hours=2))
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
    for name in ("DATABASE_URL", "TASK_BROKER_URL", "REDIS_URL"):
        env.pop(name, None)
    if request.param == "database":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'hallway.sqlite3'}"
        yield env
        return
    import psycopg
    import redis

    name = f"hallway_digest_crash_{uuid.uuid4().hex[:8]}"
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
def test_killed_worker_sends_each_digest_exactly_once(backend_env, smtp, tmp_path):
    recorder, port = smtp
    env = {**backend_env, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    subprocess.run(
        [str(HALLWAY), "migrate", "--noinput"],
        env=env,
        check=True,
        timeout=180,
        capture_output=True,
    )
    subprocess.run(
        [sys.executable, "-c", SETUP.format(people=PEOPLE)],
        env={**env, "DJANGO_SETTINGS_MODULE": "hallway.settings"},
        check=True,
        timeout=120,
    )
    expected = {f"person{n:02d}@example.com" for n in range(PEOPLE)}
    log = tmp_path / "worker.log"
    worker = _start_worker(env, log)
    try:
        deadline = time.monotonic() + 90
        while recorder.count() < 8 and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()
            time.sleep(0.005)
        assert recorder.count() >= 8, log.read_text()
        time.sleep(0.04)  # inside the next SMTP exchange
        _kill(worker)
        at_kill = recorder.count()
        assert 0 < at_kill < PEOPLE, "the worker was not killed while sending"

        worker = _start_worker(env, log)
        deadline = time.monotonic() + 90
        while recorder.count() < PEOPLE and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)  # anything sent twice would arrive now
    finally:
        _kill(worker)
    counts = Counter(recorder.received)
    assert set(counts) == expected, log.read_text()[-3000:]
    assert all(count == 1 for count in counts.values()), counts
