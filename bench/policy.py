"""Content policy scenario (issue 6): what the policy check adds to creating a post.

Run through ``bench/run.py --scenario policy`` (one process per database). In a throwaway
database this creates a member in an external group and times ``do_create_post`` with a
2,000-character body (the real action: checks, policy, insert, topics, after-commit hooks
queued) alternately with no rules and with 50 enabled rules of every kind (card numbers,
IBANs, national ids, keys, emails, phones, 20 keyword lists of 25 words, 12 regular
expressions), all of them applying to the group, none matching (the common case). Also
timed: ``check_content`` alone with the 50 rules, and a post where a redact rule matches.
Prints one JSON document on its last line. Target: p50(with) − p50(without) ≤ 5 ms.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallway.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from hallway.accounts.models import User  # noqa: E402
from hallway.companies.models import Company  # noqa: E402
from hallway.groups.models import Group, Membership  # noqa: E402
from hallway.policy.checks import check_content  # noqa: E402
from hallway.policy.engine import Target  # noqa: E402
from hallway.policy.models import PolicyRule  # noqa: E402
from hallway.posts.actions import do_create_post  # noqa: E402

WORDS = [f"{word}{i}" for i, word in enumerate(["alpha", "bravo", "charlie", "delta"] * 7)]


def body_text(rng: random.Random) -> str:
    """About 2,000 characters of ordinary prose with numbers, a date, a link."""
    parts = []
    while sum(len(p) + 1 for p in parts) < 1900:
        parts.append(rng.choice(WORDS) + (f" {rng.randint(1, 999)}" if rng.random() < 0.1 else ""))
    text = " ".join(parts) + " on 2026-11-26 see https://example.org/report/2026"
    return text[:2000]


def make_rules() -> None:
    builtins = ["card_number", "iban", "national_id", "private_key", "api_key", "email", "phone"]
    rules = []
    for i, detector in enumerate(builtins * 2):
        rules.append(PolicyRule(name=f"{detector} {i}", detector=detector, action="warn",
                                destination="all", position=i))  # fmt: skip
    for i in range(20):
        words = [f"codename{i}x{j}" for j in range(24)] + [f"Project Secret {i}"]
        rules.append(PolicyRule(name=f"keywords {i}", detector="keywords", action="block",
                                config={"words": words}, position=100 + i))  # fmt: skip
    for i in range(50 - len(rules)):  # 16 regular expressions
        rules.append(PolicyRule(name=f"regex {i}", detector="regex", action="hold",
                                config={"pattern": rf"\bPRJ{i}-\d{{4,6}}\b"},
                                position=200 + i))  # fmt: skip
    PolicyRule.objects.bulk_create(rules)
    assert PolicyRule.objects.filter(enabled=True).count() == 50


def timed(fn, n: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "n": len(samples),
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    call_command("migrate", verbosity=0, interactive=False)
    PolicyRule.objects.all().delete()  # the default policy; measured separately below
    host = Company.objects.create(name="Host", slug="host", kind="host")
    acme = Company.objects.create(name="Acme", slug="acme", kind="customer")
    author = User.objects.create_user("sam@host.test", name="Sam", company=host)
    group = Group.objects.create(name="Deal room", slug="deal-room", visibility="private",
                                 is_external=True)  # fmt: skip
    group.companies.add(acme)
    Membership.objects.create(group=group, user=author, role="owner", state="active")
    rng = random.Random(6)
    bodies = [body_text(rng) for _ in range(args.requests)]
    for body in bodies[:20]:  # warm up caches, connections, compiled patterns
        do_create_post(author=author, body=body, group=group)

    def create(body: str):  # type: ignore[no-untyped-def]
        return lambda: do_create_post(author=author, body=body, group=group)

    without: list[float] = []
    with_rules: list[float] = []
    # Alternate blocks of 25 so both see the same machine noise and table growth.
    make_rules()
    rules = list(PolicyRule.objects.all())
    for block in range(0, args.requests, 25):
        chunk = bodies[block : block + 25]
        PolicyRule.objects.all().update(enabled=True)
        with_rules += [timed(create(b), 1)[0] for b in chunk]
        PolicyRule.objects.all().update(enabled=False)
        without += [timed(create(b), 1)[0] for b in chunk]
    PolicyRule.objects.all().update(enabled=True)
    target = Target.for_container(group=group, company=None)
    check_only = timed(
        lambda: check_content(
            author=author, subject="post", texts={"title": "", "body": bodies[0]}, target=target
        ),
        args.requests,
    )
    PolicyRule.objects.create(name="mask cards", detector="card_number", action="redact")
    redacted_body = bodies[1][:1970] + " 4111 1111 1111 1111"
    redacting = timed(create(redacted_body), min(100, args.requests))
    result = {
        "database": connection.vendor,
        "database_version": (
            connection.cursor().connection.info.server_version
            if connection.vendor == "postgresql"
            else __import__("sqlite3").sqlite_version
        ),
        "rules": len(rules),
        "body_chars": len(bodies[0]),
        "scenarios": {
            "create post, no rules": summary(without),
            "create post, 50 rules": summary(with_rules),
            "policy check alone, 50 rules": summary(check_only),
            "create post, 51 rules, redact matches": summary(redacting),
        },
    }
    result["added_p50_ms"] = round(
        result["scenarios"]["create post, 50 rules"]["p50_ms"]
        - result["scenarios"]["create post, no rules"]["p50_ms"],
        2,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
