"""Notifications scenario (issue 4): an announcement to 10,000 people, and 10,000 digests.

Run through ``bench/run.py --scenario notifications`` (one process per database and task
backend). This process builds a network with bulk inserts in a throwaway database, starts
real ``hallway worker`` processes with the configured backend (the embedded database queue,
or Celery on Redis), and measures:

1. **Announcement**: ``POST /api/v1/posts`` (kind ``announcement``, network-wide) through
   Django's test client with a Bearer token — server-side request time — and the time from
   the start of the request until all notifications of that announcement exist (the worker
   picks up the task, resolves the readers and preferences, writes them in bulk). Three
   announcements, one after the other.
2. **Digests**: the hourly scheduler (``schedule_digests``) queues the weekly digest of every
   person; the workers build each one through the permission layer and hand it to a local
   SMTP server (aiosmtpd on 127.0.0.1, in this process). Timed from the scheduler call until
   every person is served (sent, or empty and skipped).

Data (seeded): ``--people`` members (default 10,000) plus one admin who announces; 100
teams; 20 skills (topics), one or two per person; 100 groups (half public, half private),
each person in three; ``--posts`` posts (default 20,000) over the last six days, 2% of them
questions tagged with a skill, reactions and comments counts skewed; 3% of the people
joined in the last three days. Every wait is bounded (``--timeout``). Prints one JSON
document on its last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallway.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from feed import bulk_insert, log, reset_sequences  # noqa: E402
from hallway.accounts.actions import do_create_api_token  # noqa: E402
from hallway.accounts.models import User  # noqa: E402
from hallway.companies.models import Company  # noqa: E402
from hallway.core.tasks import backend_name  # noqa: E402
from hallway.groups.models import Group, Membership  # noqa: E402
from hallway.notifications.digests import period_of, schedule_digests  # noqa: E402
from hallway.notifications.models import DigestSetting, Notification  # noqa: E402
from hallway.posts.models import Post, PostTopic  # noqa: E402
from hallway.profiles.models import Profile, Team, Topic  # noqa: E402

NOW = datetime.now(UTC).replace(microsecond=0)
HALLWAY = Path(sys.executable).parent / "hallway"


# --- data -------------------------------------------------------------------------------------
def build(people: int, posts: int) -> dict[str, Any]:
    rng = random.Random(4)
    started = time.monotonic()
    with transaction.atomic():
        Company.objects.create(id=1, name="Northwind Systems", slug="northwind", kind="host")
        Team.objects.bulk_create(
            [Team(id=i, name=f"Team {i}", slug=f"team-{i}") for i in range(1, 101)]
        )
        Topic.objects.bulk_create(
            [Topic(id=i, name=f"Skill {i}", slug=f"skill-{i}") for i in range(1, 21)]
        )
        total = people + 1  # id 1 announces
        joined = {pk: NOW - timedelta(days=400) for pk in range(1, total + 1)}
        for pk in rng.sample(range(2, total + 1), people * 3 // 100):
            joined[pk] = NOW - timedelta(hours=rng.uniform(1, 72))
        bulk_insert(
            User,
            [
                "id",
                "password",
                "email",
                "name",
                "kind",
                "company_id",
                "is_active",
                "is_network_admin",
                "is_compliance_officer",
                "date_joined",
            ],
            (
                (
                    pk,
                    "!",
                    f"person{pk}@northwind.example",
                    f"Person {pk:05d}",
                    "member",
                    1,
                    True,
                    pk == 1,
                    False,
                    joined[pk],
                )
                for pk in range(1, total + 1)
            ),
        )
        bulk_insert(
            Profile,
            [
                "user_id",
                "title",
                "team_id",
                "ask_me_about",
                "working_on",
                "bio",
                "languages",
                "phone",
                "contact_email",
                "photo",
                "guest_visible_fields",
                "search_text",
                "updated_at",
            ],
            (
                (pk, "Engineer", 1 + pk % 100, "", "", "", "", "", "", "", "[]", "", NOW)
                for pk in range(1, total + 1)
            ),
        )
        skills = Profile.skills.through
        bulk_insert(
            skills,
            ["profile_id", "topic_id"],
            (
                (pk, topic)
                for pk in range(1, total + 1)
                for topic in {1 + pk % 20, 1 + (pk * 7) % 20}
            ),
        )
        Group.objects.bulk_create(
            [
                Group(
                    id=g,
                    name=f"Group {g}",
                    slug=f"group-{g}",
                    visibility="public" if g % 2 else "private",
                    join_policy="open" if g % 2 else "request",
                    sensitivity="confidential" if g % 10 == 0 else "general",
                )
                for g in range(1, 101)
            ]
        )
        labels = {g.pk: g.label for g in Group.objects.all()}
        member_of = {pk: rng.sample(range(1, 101), 3) for pk in range(1, total + 1)}
        bulk_insert(
            Membership,
            ["group_id", "user_id", "role", "state", "reason", "follow_closely", "created_at"],
            (
                (g, pk, "member", "active", "", False, NOW - timedelta(days=300))
                for pk, groups in member_of.items()
                for g in groups
            ),
        )
        post_rows, topic_rows = [], []
        for pk in range(1, posts + 1):
            created = NOW - timedelta(days=6) + timedelta(seconds=pk * 6 * 86400 / posts)
            group = rng.randint(1, 100)
            author = rng.randint(2, total)
            question = rng.random() < 0.02
            reactions = int(rng.expovariate(0.4))
            comments = 0 if question and rng.random() < 0.7 else int(rng.expovariate(0.8))
            post_rows.append(
                (
                    pk,
                    author,
                    labels[group] if not question else "network",
                    None if question else group,
                    "question" if question else "update",
                    f"Post {pk}" if rng.random() < 0.3 else "",
                    f"Body of post {pk}",
                    f"<p>Body of post {pk}</p>",
                    created,
                    created,
                    comments,
                    reactions,
                )
            )
            if question:
                topic_rows.append((pk, 1 + pk % 20, "network"))
        bulk_insert(
            Post,
            [
                "id",
                "author_id",
                "audience",
                "group_id",
                "kind",
                "title",
                "body",
                "body_html",
                "created_at",
                "last_activity_at",
                "comment_count",
                "reaction_count",
            ],
            iter(post_rows),
        )
        bulk_insert(PostTopic, ["post_id", "topic_id", "audience"], iter(topic_rows))
        reset_sequences(Company, Team, Topic, User, Group, Membership, Post, PostTopic)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"build_seconds": round(time.monotonic() - started, 1)}


# --- processes --------------------------------------------------------------------------------
def start_workers(count: int, env: dict[str, str], log_path: Path) -> list[subprocess.Popen]:  # type: ignore[type-arg]
    """``count`` embedded workers, or one Celery worker with ``count`` processes."""
    command = [str(HALLWAY), "worker", "--no-scheduler"]
    if backend_name() == "celery":
        commands = [[*command, "--concurrency", str(count)]]
    else:
        commands = [command] * count
    processes = []
    for cmd in commands:
        with log_path.open("ab") as out:
            processes.append(
                subprocess.Popen(
                    cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
                )
            )
    time.sleep(4 if backend_name() == "celery" else 1.5)  # started and polling
    check_alive(processes, log_path)
    return processes


def check_alive(processes: list[subprocess.Popen], log_path: Path) -> bool:  # type: ignore[type-arg]
    """False while every worker runs (a predicate for ``wait_until``); exits otherwise."""
    if any(process.poll() is not None for process in processes):
        raise SystemExit(f"a worker died:\n{log_path.read_text()[-3000:]}")
    return False


def stop(processes: list[subprocess.Popen]) -> None:  # type: ignore[type-arg]
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_until(predicate: Any, timeout: float, interval: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


class Sink:
    """A local SMTP server that counts the messages handed to it."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.count += 1
        return "250 OK"


# --- measurements -----------------------------------------------------------------------------
def announcements(env: dict[str, str], args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    author = User.objects.get(pk=1)
    token = do_create_api_token(user=author, name="bench")[1]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    expected = User.objects.filter(is_active=True, kind="member").count() - 1
    client.post("/api/v1/posts", {"body": "warm-up"}, content_type="application/json")
    workers = start_workers(args.workers, env, tmp / "workers.log")
    runs = []
    try:
        for n in range(3):
            started = time.perf_counter()
            response = client.post(
                "/api/v1/posts",
                {"kind": "announcement", "title": f"All hands {n}", "body": "Friday, 10:00"},
                content_type="application/json",
            )
            request_ms = (time.perf_counter() - started) * 1000
            assert response.status_code == 201, response.content
            post_id = response.json()["id"]
            notes = Notification.objects.filter(post_id=post_id, kind="announcement")
            done = wait_until(
                lambda notes=notes: (
                    notes.count() >= expected or check_alive(workers, tmp / "workers.log")
                ),
                args.timeout,
                0.05,
            )
            all_seconds = time.perf_counter() - started
            runs.append(
                {
                    "request_ms": round(request_ms, 1),
                    "all_seconds": round(all_seconds, 2),
                    "notifications": notes.count(),
                    "complete": done,
                }
            )
            log(f"announcement {n}: {runs[-1]}")
    finally:
        stop(workers)
    return {
        "recipients": expected,
        "runs": runs,
        "request_ms_median": statistics.median(r["request_ms"] for r in runs),
        "all_seconds_median": statistics.median(r["all_seconds"] for r in runs),
    }


def digests(env: dict[str, str], args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    from aiosmtpd.controller import Controller

    sink = Sink()
    with socketless_port() as port:
        pass
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {**env, "EMAIL_URL": f"smtp://127.0.0.1:{port}"}
    # What the announcements left behind is not part of this measurement.
    Notification.objects.all().delete()
    people = User.objects.filter(is_active=True).count()
    workers = start_workers(args.workers, env, tmp / "workers.log")
    try:
        monday = period_of("weekly", NOW).start + timedelta(hours=9)
        key = period_of("weekly", monday).key
        started = time.perf_counter()
        with transaction.atomic():
            queued = schedule_digests(monday)
        schedule_seconds = time.perf_counter() - started
        served = DigestSetting.objects.filter(sent_period=key)
        done = wait_until(
            lambda: served.count() >= queued or check_alive(workers, tmp / "workers.log"),
            args.timeout,
            0.5,
        )
        total_seconds = time.perf_counter() - started
        time.sleep(0.5)
    finally:
        stop(workers)
        controller.stop()
    sent = DigestSetting.objects.filter(sent_period=key, last_sent_at__isnull=False).count()
    return {
        "people": people,
        "queued": queued,
        "served": served.count(),
        "sent": sent,
        "smtp_received": sink.count,
        "schedule_seconds": round(schedule_seconds, 2),
        "total_seconds": round(total_seconds, 1),
        "per_second": round(served.count() / total_seconds, 1),
        "complete": done,
    }


class socketless_port:  # noqa: N801 (a tiny context manager)
    def __enter__(self) -> int:
        import socket

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        return int(self.sock.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self.sock.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--part", choices=["announce", "digest", "all"], default="all")
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args()
    asyncio.set_event_loop(asyncio.new_event_loop())
    import tempfile

    load_before = os.getloadavg()
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
        else:
            cursor.execute("show server_version")
        version = cursor.fetchone()[0]
    log(f"building {args.people} people, {args.posts} posts…")
    result: dict[str, Any] = {
        "database": connection.vendor,
        "database_version": version,
        "task_backend": backend_name(),
        "workers": args.workers,
        **build(args.people, args.posts),
    }
    env = {**os.environ, "HALLWAY_LOG_LEVEL": "WARNING"}
    with tempfile.TemporaryDirectory(prefix="hallway-bench-notif-") as tmp:
        if args.part in ("announce", "all"):
            result["announcement"] = announcements(env, args, Path(tmp))
        if args.part in ("digest", "all"):
            log("digests…")
            result["digests"] = digests(env, args, Path(tmp))
            log(f"digests: {result['digests']}")
        worker_log = (Path(tmp) / "workers.log").read_text()[-2000:]
    result["load_before"] = [round(x, 2) for x in load_before]
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    result["worker_errors"] = worker_log.count("Traceback")
    result["email_backend"] = settings.EMAIL_BACKEND
    print(json.dumps(result))


if __name__ == "__main__":
    main()
