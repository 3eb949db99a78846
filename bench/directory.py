"""Directory scenario: 100,000 people, first page of the people list and of people searches.

Run through ``bench/run.py``, which starts one process per database (settings are per
process). This process builds the demo network in a throwaway database, then times requests
to ``GET /api/v1/people`` through Django's test client (URL routing, middleware, token
auth, the permission layer, the selector, JSON) — server-side time, no network. It prints
one JSON document on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallway.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from hallway.accounts.actions import do_create_api_token  # noqa: E402
from hallway.accounts.models import User  # noqa: E402
from hallway.demo.personas import PERSONAS  # noqa: E402


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def measure(client: Client, url: str, headers: dict[str, str], *, requests: int, budget: float):  # type: ignore[no-untyped-def]
    for _ in range(5):  # warm caches and connections
        response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    executed: list[str] = []

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        executed.append(sql)
        return execute(sql, params, many, context)

    # Counted around the whole request: token check, permission layer, page, hydration.
    with connection.execute_wrapper(count):
        response = client.get(url, headers=headers)
    results = len(response.json()["results"])
    samples: list[float] = []
    deadline = time.monotonic() + budget
    while len(samples) < requests and time.monotonic() < deadline:
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
    return {
        "url": url,
        "requests": len(samples),
        "results": results,
        "queries": len(executed),
        "p50_ms": round(statistics.median(samples), 2),
        "p99_ms": round(percentile(samples, 0.99), 2),
        "max_ms": round(max(samples), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--budget", type=float, default=60.0, help="seconds per scenario")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    call_command("demo", people=args.people, seed=1, verbosity=0)
    demo_seconds = time.monotonic() - started

    maya = User.objects.get(email=PERSONAS["manager"])
    _token, raw = do_create_api_token(user=maya, name="bench")
    headers = {"Authorization": f"Bearer {raw}"}
    # A real full name from the generated network, and the first page at two sizes.
    full_name = User.objects.filter(name__startswith="Helena ").order_by("pk").first()
    queries = {
        "list": "",
        "common prefix 'mar'": "mar",
        f"full name '{full_name.name if full_name else 'Helena Abe'}'": (
            full_name.name if full_name else "Helena Abe"
        ),
        "skill 'kubernetes'": "kubernetes",
        "last name 'zimmermann'": "zimmermann",
        "one letter 'a'": "a",
        "rare term 'ifrs sox'": "ifrs sox",
        "no match 'qwxz'": "qwxz",
    }
    client = Client()
    scenarios = {}
    for label, q in queries.items():
        url = "/api/v1/people?limit=20" + (f"&q={q.replace(' ', '+')}" if q else "")
        scenarios[label] = measure(client, url, headers, requests=args.requests, budget=args.budget)
        print(label, scenarios[label], file=sys.stderr)
    for limit in (5, 50):
        url = f"/api/v1/people?limit={limit}&q=mar"
        scenarios[f"search 'mar' limit={limit}"] = measure(
            client, url, headers, requests=50, budget=args.budget
        )
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "database_version": _database_version(),
                "people": args.people,
                "demo_seconds": round(demo_seconds, 1),
                "scenarios": scenarios,
                "settings_debug": settings.DEBUG,
            }
        )
    )


def _database_version() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
        else:
            cursor.execute("SHOW server_version")
        return str(cursor.fetchone()[0])


if __name__ == "__main__":
    main()
