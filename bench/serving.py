"""Serving benchmark (issue 4, ADR 0006): sync gunicorn vs uvicorn (ASGI) on the same feed
data, back to back, and 500 open event streams held by one uvicorn process.

    .venv/bin/python bench/serving.py                       # ~3 minutes, SQLite
    .venv/bin/python bench/serving.py --posts 1000000 --people 10000 --groups 2000

Builds the feed data with ``bench/feed.py --build-only`` in a temporary data directory, then:
1. load: ``GET /api/v1/feed?limit=20`` by 20 members with Bearer tokens, ``--threads``
   client threads for ``--load-seconds``, against gunicorn (2 sync workers) and uvicorn
   (2 workers), alternating ``--rounds`` times;
2. streams: ``--streams`` connections to ``GET /events/`` (session cookies) on one uvicorn
   process; RSS before and after, and whether a published event reaches every stream.
Writes the section "Serving" of bench/RESULTS.md unless ``--no-write``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from loadgen import drive, feed_getter, load_summary

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
SECTION = "## Serving: sync gunicorn vs ASGI (uvicorn), and open event streams"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def tree_pids(pid: int) -> list[int]:
    children = subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    result = [pid]
    for child in children:
        result += tree_pids(int(child))
    return result


def start_server(
    kind: str, port: int, workers: int, env: dict[str, str]
) -> subprocess.Popen[bytes]:
    if kind == "wsgi":
        command = [str(BIN / "gunicorn"), "hallway.wsgi:application", "-w", str(workers)]
        command += ["-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    else:
        command = [sys.executable, "-m", "uvicorn", "hallway.asgi:application"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
        command += ["--lifespan", "off", "--log-level", "warning", "--no-access-log"]
        command += ["--timeout-graceful-shutdown", "2"]
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise SystemExit(f"{kind} server did not start")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=5)


def load(
    kind: str, tokens: list[str], args: argparse.Namespace, env: dict[str, str]
) -> dict[str, Any]:
    port = free_port()
    server = start_server(kind, port, 2, env)
    try:
        run = drive(
            feed_getter(f"http://127.0.0.1:{port}"),
            tokens,
            seconds=args.load_seconds,
            threads=args.threads,
        )
        rss = [rss_mb(pid) for pid in tree_pids(server.pid)[1:]]
        summary = load_summary(run)
        return {
            "server": kind,
            "requests": summary["requests"],
            "errors": summary["errors"],
            "requests_per_second": summary["requests_per_second"],
            "client_p50_ms": summary["client_p50_ms"],
            "client_p99_ms": summary["client_p99_ms"],
            "worker_rss_mb": rss,
        }
    finally:
        stop_server(server)


async def hold_streams(port: int, cookies: list[str], publish: Any, pid: int) -> dict[str, Any]:
    connections: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
    opened_at = time.monotonic()

    async def open_one(cookie: str) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            (
                f"GET /events/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n"
                f"Cookie: sessionid={cookie}\r\n\r\n"
            ).encode()
        )
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 60)
        assert b" 200 " in head.split(b"\r\n", 1)[0], head[:200]
        await asyncio.wait_for(reader.readuntil(b"id: "), 60)
        connections.append((reader, writer))

    batch = 50
    for start in range(0, len(cookies), batch):
        await asyncio.gather(*(open_one(c) for c in cookies[start : start + batch]))
    open_seconds = time.monotonic() - opened_at
    await asyncio.sleep(2)
    rss_open = rss_mb(pid)

    marker = f"bench-{time.time_ns()}".encode()
    sent_at = time.monotonic()
    await asyncio.to_thread(publish, marker.decode())
    latencies: list[float] = []

    async def wait_event(reader: asyncio.StreamReader) -> None:
        await reader.readuntil(marker)
        latencies.append(time.monotonic() - sent_at)

    _done, pending = await asyncio.wait(
        [asyncio.create_task(wait_event(r)) for r, _ in connections], timeout=20
    )
    for task in pending:
        task.cancel()
    rss_after = rss_mb(pid)
    for _, writer in connections:
        writer.close()
    latencies.sort()
    return {
        "streams": len(connections),
        "seconds_to_open_all": round(open_seconds, 1),
        "rss_mb_with_streams_open": rss_open,
        "rss_mb_after_one_event_to_all": rss_after,
        "streams_that_got_the_event": len(latencies),
        "event_latency_p50_s": round(statistics.median(latencies), 2) if latencies else None,
        "event_latency_max_s": round(latencies[-1], 2) if latencies else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--groups", type=int, default=200)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--follows", type=int, default=50)
    parser.add_argument("--load-seconds", type=float, default=15.0)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--streams", type=int, default=500)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="hallway-serving-")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HALLWAY_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(HALLWAY_DATA_DIR=data_dir, HALLWAY_LOG_LEVEL="WARNING")
    env["PYTHONPATH"] = str(ROOT / "src")
    began = time.monotonic()
    subprocess.run(
        [sys.executable, str(HERE / "feed.py"), "--build-only", f"--people={args.people}",
         f"--groups={args.groups}", f"--posts={args.posts}", f"--follows={args.follows}"],
        env=env, cwd=ROOT, check=True, timeout=1800, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    build_seconds = time.monotonic() - began

    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "hallway.settings"
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection

    from hallway.accounts.actions import do_create_api_token
    from hallway.accounts.models import User
    from hallway.core.events import DatabaseBackend
    from hallway.core.permissions import NETWORK_LABEL

    members = list(User.objects.filter(kind="member", is_active=True).order_by("pk")[:100])
    tokens = [f"Bearer {do_create_api_token(user=u, name='bench')[1]}" for u in members[:20]]
    cookies = []
    for index in range(args.streams):
        user = members[index % len(members)]
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies.append(store.session_key)
    connection.close()

    loads = []
    for _ in range(args.rounds):
        for kind in ("wsgi", "asgi"):
            loads.append(load(kind, tokens, args, env))
            print(loads[-1], file=sys.stderr)

    port = free_port()
    server = start_server("asgi", port, 1, env)
    try:
        rss_idle = rss_mb(server.pid)

        def publish(marker: str) -> None:
            DatabaseBackend().publish(
                "post", {"id": 0, "m": marker}, audience=NETWORK_LABEL, user_ids=()
            )
            connection.close()

        streams = asyncio.run(hold_streams(port, cookies, publish, server.pid))
        streams["rss_mb_idle"] = rss_idle
    finally:
        stop_server(server)
    print(streams, file=sys.stderr)
    report(args, build_seconds, loads, streams)


def report(
    args: argparse.Namespace,
    build_seconds: float,
    loads: list[dict[str, Any]],
    streams: dict[str, Any],
) -> None:
    import sqlite3

    kb = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
    lines = [
        SECTION,
        "",
        f"- Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- Command: `python bench/serving.py --people {args.people} --groups {args.groups} "
        f"--posts {args.posts} --follows {args.follows} --load-seconds {args.load_seconds:g} "
        f"--threads {args.threads} --rounds {args.rounds} --streams {args.streams}`",
        f"- Machine: {os.cpu_count()} CPUs ({platform.machine()}), "
        f"{kb / 1024 / 1024:.1f} GiB RAM, {platform.platform()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        f"- Data: `bench/feed.py --build-only` (SQLite, built in {build_seconds:.0f} s). Load: "
        f"`GET /api/v1/feed?limit=20` by 20 members (Bearer tokens), {args.threads} client "
        "threads on the same 2 cores; each server with 2 worker processes; rounds alternate.",
        "",
        "| server | requests | errors | requests/s | client p50 ms | client p99 ms | RSS MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    names = {
        "wsgi": "gunicorn, 2 sync workers (`hallway.wsgi`)",
        "asgi": "uvicorn, 2 workers (`hallway.asgi`: pages on one thread, /events/ async)",
    }
    for row in loads:
        lines.append(
            f"| {names[row['server']]} | {row['requests']} | {row['errors']} | "
            f"{row['requests_per_second']} | {row['client_p50_ms']} | {row['client_p99_ms']} | "
            f"{row['worker_rss_mb']} |"
        )
    lines += [
        "",
        f"Open event streams on one uvicorn process ({args.streams} wanted, target RSS ≤ 400 MB):"
        f" `{streams}`",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if args.no_write:
        return
    path = HERE / "RESULTS.md"
    current = path.read_text()
    if SECTION in current:
        before, rest = current.split(SECTION, 1)
        after = rest.split("\n## ", 1)
        current = before + text + ("\n## " + after[1] if len(after) > 1 else "")
    else:
        current = current.rstrip("\n") + "\n\n" + text
    path.write_text(current)


if __name__ == "__main__":
    main()
