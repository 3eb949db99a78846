"""Crash test (issue 4): kill -9 a real worker in the middle of sending mail, start it again,
and every recipient has exactly one message on a real SMTP server.

Runs the embedded database queue (SQLite file) and the Celery backend on the real Redis
(database 13) with PostgreSQL. The SMTP server answers RCPT slowly (0.1 s), so the worker
spends its time between messages, where a crash is what the once-only keys must absorb.
The harness is shared with the digest crash test (``crash_harness.py``).
"""

from __future__ import annotations

import pytest

from hallway.core.tests.crash_harness import (
    backend_environment,
    prepare,
    send_kill_restart,
    smtp_server,
)

RECIPIENTS = [f"person{n:02d}@example.com" for n in range(20)]

ENQUEUE = """
from hallway.core.email import queue_personal_emails
for _ in range(2):  # queued twice with the same key: sent once
    queue_personal_emails(subject="Weekly digest", recipients={recipients!r}, text="Hello",
                          html="<p>Hello</p>", idempotency_key="crash-test-digest")
"""


@pytest.fixture
def smtp():
    with smtp_server() as server:
        yield server


@pytest.fixture
def backend_env(request, tmp_path):
    with backend_environment(
        request.param, tmp_path, redis_db=13, name_prefix="hallway_crash"
    ) as env:
        yield env


@pytest.mark.parametrize("backend_env", ["database", "celery"], indirect=True)
def test_killed_worker_sends_each_email_exactly_once(backend_env, smtp, tmp_path):
    recorder, port = smtp
    env = {**backend_env, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    prepare(env, ENQUEUE.format(recipients=RECIPIENTS))
    log = tmp_path / "worker.log"
    counts, at_kill = send_kill_restart(
        env, recorder, log, kill_after=6, expected=len(RECIPIENTS), timeout=60, settle=1.0
    )
    assert 0 < at_kill < len(RECIPIENTS), "the worker was not killed while sending"
    assert set(counts) == set(RECIPIENTS), log.read_text()
    assert all(count == 1 for count in counts.values()), counts
