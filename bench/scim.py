"""SCIM scenario: provisioning 10,000 users one request at a time, and ``userName eq`` lookups.

Run through ``bench/run.py --scenario scim``. Requests go through Django's test client (URL
routing, middleware, bearer-token auth, scim2-models validation, the accounts and profiles
actions, JSON) — server-side time, no network, one process. The network is first filled with
``--people`` people by the demo generator (the directory scenario's builder). Prints one JSON
document on its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallway.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from hallway.accounts.models import User  # noqa: E402
from hallway.scim.actions import do_create_scim_client  # noqa: E402


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--creates", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--budget", type=float, default=300.0, help="seconds for the creates")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    call_command("demo", people=args.people, seed=1, verbosity=0)
    demo_seconds = time.monotonic() - started
    _, token = do_create_scim_client(actor=None, name="bench")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    created, failures = 0, 0
    begin = time.monotonic()
    for n in range(args.creates):
        if time.monotonic() - begin > args.budget:
            break
        email = f"scim-bench-{n}@bench.example"
        body = {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": email,
            "name": {"givenName": "Bench", "familyName": f"Person {n}"},
            "emails": [{"value": email, "type": "work", "primary": True}],
            "active": True,
            "title": "Engineer",
        }
        response = client.post(
            "/scim/v2/Users", json.dumps(body), content_type="application/scim+json"
        )
        if response.status_code == 201:
            created += 1
        else:
            failures += 1
    create_seconds = time.monotonic() - begin

    total_people = User.objects.count()
    emails = list(
        User.objects.filter(kind="member")
        .order_by("?")
        .values_list("email", flat=True)[: args.requests]
    )
    samples = []
    for email in emails:
        url = "/scim/v2/Users?filter=" + quote(f'userName eq "{email}"')
        t0 = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200 and response.json()["totalResults"] == 1, email
    random.shuffle(samples)
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "people_before": args.people,
                "people_total": total_people,
                "demo_seconds": round(demo_seconds, 1),
                "creates_asked": args.creates,
                "created": created,
                "create_failures": failures,
                "create_seconds": round(create_seconds, 1),
                "creates_per_second": round(created / create_seconds, 1) if create_seconds else 0,
                "filter_requests": len(samples),
                "filter_p50_ms": round(statistics.median(samples), 2),
                "filter_p99_ms": round(percentile(samples, 0.99), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
