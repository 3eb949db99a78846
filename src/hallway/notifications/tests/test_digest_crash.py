"""Crash test for digests (issue 4): kill -9 a real worker in the middle of sending the
digests of 30 people, start it again, and every one of them has exactly one digest on a
real SMTP server (aiosmtpd on 127.0.0.1).

The harness is ``core/tests/crash_harness.py``, shared with ``test_worker_crash.py``: the
embedded database queue on a SQLite file, and the Celery backend on the real Redis
(database 11) with PostgreSQL. The digests are queued by the real scheduler
(``schedule_digests``), twice, as if two schedulers had run. The SMTP server answers RCPT
slowly (0.1 s), so the kill lands between or inside SMTP exchanges.
"""

from __future__ import annotations

import pytest

from hallway.core.tests.crash_harness import (
    backend_environment,
    prepare,
    send_kill_restart,
    smtp_server,
)

PEOPLE = 30

SETUP = """
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


@pytest.fixture
def smtp():
    with smtp_server() as server:
        yield server


@pytest.fixture
def backend_env(request, tmp_path):
    with backend_environment(
        request.param, tmp_path, redis_db=11, name_prefix="hallway_digest_crash"
    ) as env:
        yield env


@pytest.mark.parametrize("backend_env", ["database", "celery"], indirect=True)
def test_killed_worker_sends_each_digest_exactly_once(backend_env, smtp, tmp_path):
    recorder, port = smtp
    env = {**backend_env, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    prepare(env, SETUP.format(people=PEOPLE), timeout=180)
    expected = {f"person{n:02d}@example.com" for n in range(PEOPLE)}
    log = tmp_path / "worker.log"
    counts, at_kill = send_kill_restart(env, recorder, log, kill_after=8, expected=PEOPLE)
    assert 0 < at_kill < PEOPLE, "the worker was not killed while sending"
    assert set(counts) == expected, log.read_text()[-3000:]
    assert all(count == 1 for count in counts.values()), counts
