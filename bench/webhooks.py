"""Webhook scenario (issue 7): how long from an action until the signed event reaches a
receiver, with the embedded task queue and a real ``hallway worker`` subprocess.

Run through ``bench/run.py --scenario webhooks`` (one process per database). This process
migrates a throwaway database, starts a threaded HTTP receiver on 127.0.0.1 that verifies
each message's HMAC signature and timestamp, subscribes a network-wide hook to
``post.created``, starts ``hallway worker`` (default 1 s poll, as ``hallway run`` starts it),
then creates ``--events`` posts through ``do_create_post`` at random intervals (0.3–1.5 s)
and measures, for each, the time from just before the action until the receiver has the
verified message. Target: ≤ 2 s. Every wait is bounded. Prints one JSON document last.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
os.environ["DJANGO_SETTINGS_MODULE"] = "webhook_settings"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from hallway.accounts.models import User  # noqa: E402
from hallway.companies.models import Company  # noqa: E402
from hallway.posts.actions import do_create_post  # noqa: E402
from hallway.webhooks.actions import do_create_webhook  # noqa: E402
from notifications import start_workers, stop, wait_until  # noqa: E402

ARRIVALS: dict[int, float] = {}
BAD: list[str] = []
SECRET: dict[str, str] = {}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        arrived = time.monotonic()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        parts = dict(p.split("=", 1) for p in self.headers.get("Hallway-Signature", "").split(","))
        timestamp = int(parts.get("t", "0"))
        expected = hmac.new(
            SECRET["value"].encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        ok = (
            hmac.compare_digest(expected, parts.get("v1", ""))
            and abs(time.time() - timestamp) <= 300
        )
        if ok:
            ARRIVALS[json.loads(body)["data"]["post"]["id"]] = arrived
        else:
            BAD.append(self.headers.get("Hallway-Delivery", "?"))
        self.send_response(204 if ok else 401)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=30.0)
    args = parser.parse_args()
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute(
            "select sqlite_version()" if connection.vendor == "sqlite" else "show server_version"
        )
        version = cursor.fetchone()[0]
    host = Company.objects.create(name="Northwind Systems", slug="northwind", kind="host")
    admin = User.objects.create_user(
        "admin@example.com", None, name="Ada", company=host, is_network_admin=True
    )
    author = User.objects.create_user("mia@example.com", None, name="Mia", company=host)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/hook"
    _hook, SECRET["value"] = do_create_webhook(
        actor=admin, name="bench", url=url, events=["post.created"]
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "webhook_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), os.environ.get("PYTHONPATH", "")]),
        "HALLWAY_LOG_LEVEL": "WARNING",
    }
    rng = random.Random(7)
    latencies: list[float] = []
    missing = 0
    with tempfile.TemporaryDirectory(prefix="hallway-bench-hooks-") as tmp:
        workers = start_workers(1, env, Path(tmp) / "worker.log")
        try:
            for n in range(args.events):
                time.sleep(rng.uniform(0.3, 1.5))
                started = time.monotonic()
                post = do_create_post(author=author, body=f"Release {n}")
                if wait_until(lambda pk=post.pk: pk in ARRIVALS, args.timeout, interval=0.005):
                    latencies.append(ARRIVALS[post.pk] - started)
                else:
                    missing += 1
        finally:
            stop(workers)
            httpd.shutdown()
            httpd.server_close()
        worker_log = (Path(tmp) / "worker.log").read_text()[-2000:]
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "database_version": version,
                "events": args.events,
                "delivered": len(latencies),
                "missing": missing,
                "bad_signatures": len(BAD),
                "p50_s": round(statistics.median(latencies), 3) if latencies else None,
                "p95_s": round(percentile(latencies, 95), 3) if latencies else None,
                "max_s": round(max(latencies), 3) if latencies else None,
                "within_2s": sum(1 for x in latencies if x <= 2.0),
                "worker_errors": worker_log.count("Traceback"),
            }
        )
    )


if __name__ == "__main__":
    main()
