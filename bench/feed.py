"""Feed scenario (issue #3): 10,000 people, 2,000 groups, 1,000,000 posts, 200 follows each.

Run through ``bench/run.py --scenario feed`` (one process per database). This process builds
the network with bulk inserts (COPY on PostgreSQL, executemany on SQLite) in a throwaway
database, then times requests through Django's test client — server-side: routing,
middleware, token check, permission layer, selectors, JSON or HTML — and finally starts
gunicorn with two workers on 127.0.0.1 and drives the feed API with a threaded load
generator for a bounded time. It prints one JSON document on its last line.

Data (seeded, reproducible):
- 41 companies (the host and 40 external); 10,000 people, 5% guests of external companies;
- 2,000 groups: 60% public, 30% private, 10% secret, 5% external; group 1 has every member
  (the 10,000-member group); group activity and author activity are Zipf-skewed, so most
  groups and people are quiet and a few are busy;
- memberships: members in 5–20 groups (popular groups more likely), guests in their
  company's external groups, five people in 500 groups;
- 200 follows of people per person (popular people more likely), 5 topics, 2 companies;
- 1,000,000 posts over 365 days (ids grow with time): 50% in groups, 40% on the network
  stream, 10% on company internal sides; 0.1% announcements; 20% tagged with topics;
- edge-case people: a sparse follower (three quiet people, no group), a new person, a
  person in 500 groups, a person "back after months away" (their last seen post is 120 days
  old).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hallway.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from hallway.accounts.actions import do_create_api_token  # noqa: E402
from hallway.accounts.models import User  # noqa: E402
from hallway.companies.models import Company  # noqa: E402
from hallway.groups.models import Group, Membership  # noqa: E402
from hallway.posts.models import Comment, Post, PostTopic  # noqa: E402
from hallway.profiles.models import Follow, Profile, Topic  # noqa: E402
from loadgen import drive, feed_getter, load_summary  # noqa: E402

NOW = datetime.now(UTC).replace(microsecond=0)
LOG_STARTED = time.monotonic()


def log(*parts: Any) -> None:
    print(f"[{time.monotonic() - LOG_STARTED:7.1f}s]", *parts, file=sys.stderr, flush=True)


# --- bulk insert --------------------------------------------------------------------------------
def db_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def bulk_insert(model: Any, columns: list[str], rows: Any, *, batch: int = 50_000) -> int:
    table = model._meta.db_table
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        while True:
            chunk = [tuple(db_value(v) for v in row) for row in itertools.islice(rows, batch)]
            if not chunk:
                return count
            cursor.executemany(sql, chunk)
            count += len(chunk)


def reset_sequences(*models: Any) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(sql)


def zipf_cumulative(n: int, s: float) -> list[float]:
    total = 0.0
    cumulative = []
    for rank in range(1, n + 1):
        total += 1 / rank**s
        cumulative.append(total)
    return cumulative


def pick(rng: random.Random, items: list[int], cumulative: list[float]) -> int:
    return items[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


# --- build --------------------------------------------------------------------------------------
def build(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(7)
    timings: dict[str, float] = {}
    started = time.monotonic()
    n_people, n_groups, n_posts = args.people, args.groups, args.posts

    with transaction.atomic():
        companies = [Company(id=1, name="Northwind Systems", slug="northwind", kind="host")]
        companies += [
            Company(id=i, name=f"Customer {i}", slug=f"customer-{i}", kind="customer")
            for i in range(2, 42)
        ]
        Company.objects.bulk_create(companies)
        external_ids = list(range(2, 42))
        topics = [Topic(id=i, slug=f"topic-{i}", name=f"Topic {i}") for i in range(1, 501)]
        Topic.objects.bulk_create(topics)

        guests = set(rng.sample(range(1, n_people + 1), n_people // 20))
        company_of = {
            pk: (rng.choice(external_ids) if pk in guests else 1) for pk in range(1, n_people + 1)
        }
        joined = NOW - timedelta(days=400)
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
                    f"p{pk}@bench.example",
                    f"Person {pk}",
                    "guest" if pk in guests else "member",
                    company_of[pk],
                    True,
                    False,
                    False,
                    joined,
                )
                for pk in range(1, n_people + 1)
            ),
        )
        Profile.objects.bulk_create(
            [Profile(user_id=pk, guest_visible_fields=[]) for pk in range(1, n_people + 1)],
            batch_size=2000,
        )
        timings["people"] = time.monotonic() - started

        # Groups: 60% public, 30% private, 10% secret; 5% external.
        visibility: dict[int, str] = {}
        # Public groups without guests: their content carries the ``network`` label (ADR 0004).
        public_plain: dict[int, bool] = {}
        external_companies: dict[int, list[int]] = {}
        group_rows = []
        for gid in range(1, n_groups + 1):
            roll = rng.random()
            vis = "public" if gid == 1 or roll < 0.6 else ("private" if roll < 0.9 else "secret")
            visibility[gid] = vis
            is_external = gid != 1 and rng.random() < 0.05
            if is_external:
                external_companies[gid] = rng.sample(external_ids, rng.randint(1, 2))
            public_plain[gid] = vis == "public" and not is_external
            policy = {"public": "open", "private": "request", "secret": "invite"}[vis]
            group_rows.append(
                (
                    gid,
                    f"Group {gid}",
                    f"group-{gid}",
                    "",
                    vis,
                    policy,
                    "general",
                    "off",
                    is_external,
                    joined,
                )
            )
        bulk_insert(
            Group,
            [
                "id",
                "name",
                "slug",
                "description",
                "visibility",
                "join_policy",
                "sensitivity",
                "hints",
                "is_external",
                "created_at",
            ],
            iter(group_rows),
        )
        through = Group.companies.through
        bulk_insert(
            through,
            ["group_id", "company_id"],
            iter([(gid, cid) for gid, cids in external_companies.items() for cid in cids]),
        )

        # Memberships.
        members_of: dict[int, list[int]] = {gid: [] for gid in range(1, n_groups + 1)}
        groups_of: dict[int, set[int]] = {pk: set() for pk in range(1, n_people + 1)}
        group_ids = list(range(2, n_groups + 1))
        rng.shuffle(group_ids)
        group_popularity = zipf_cumulative(len(group_ids), 0.8)
        ext_by_company: dict[int, list[int]] = {}
        for gid, cids in external_companies.items():
            for cid in cids:
                ext_by_company.setdefault(cid, []).append(gid)
        member_ids = [pk for pk in range(1, n_people + 1) if pk not in guests]
        in_500 = member_ids[-5:]
        for pk in range(1, n_people + 1):
            if pk in guests:
                options = ext_by_company.get(company_of[pk], [])
                wanted = set(rng.sample(options, min(len(options), rng.randint(1, 3))))
            elif pk in in_500:
                wanted = set(rng.sample(group_ids, min(500, len(group_ids)))) | {1}
            else:
                wanted = {1}
                target = rng.randint(5, 20)
                while len(wanted) < target + 1:
                    wanted.add(pick(rng, group_ids, group_popularity))
            for gid in wanted:
                members_of[gid].append(pk)
                groups_of[pk].add(gid)
        membership_rows = (
            (gid, pk, "owner" if i == 0 else "member", "active", "", False, joined, joined)
            for gid, pks in members_of.items()
            for i, pk in enumerate(pks)
        )
        memberships = bulk_insert(
            Membership,
            [
                "group_id",
                "user_id",
                "role",
                "state",
                "reason",
                "follow_closely",
                "created_at",
                "joined_at",
            ],
            membership_rows,
        )
        timings["groups and memberships"] = time.monotonic() - started

        # Follows: 200 people each (popular people more likely), 5 topics, 2 companies.
        people_order = list(range(1, n_people + 1))
        rng.shuffle(people_order)
        popularity = zipf_cumulative(n_people, 0.7)

        def follow_rows() -> Any:
            for pk in range(1, n_people + 1):
                chosen: set[int] = set()
                while len(chosen) < args.follows:
                    other = pick(rng, people_order, popularity)
                    if other != pk:
                        chosen.add(other)
                for other in chosen:
                    yield (pk, other, None, None, joined)
                if pk not in guests:
                    for topic_id in rng.sample(range(1, 501), 5):
                        yield (pk, None, topic_id, None, joined)
                    for company_id in rng.sample(external_ids, 2):
                        yield (pk, None, None, company_id, joined)

        follows = bulk_insert(
            Follow,
            ["follower_id", "person_id", "topic_id", "company_id", "created_at"],
            follow_rows(),
        )
        timings["follows"] = time.monotonic() - started

        # Posts: ids grow with time over 365 days.
        author_activity = list(range(1, n_people + 1))
        rng.shuffle(author_activity)
        member_activity = [pk for pk in author_activity if pk not in guests]
        member_weights = zipf_cumulative(len(member_activity), 1.0)
        active_groups = list(range(2, n_groups + 1))
        rng.shuffle(active_groups)
        group_weights = zipf_cumulative(len(active_groups), 1.0)
        span = timedelta(days=365).total_seconds()
        start_time = NOW - timedelta(days=365)
        tagged: list[tuple[int, int, str]] = []

        def post_rows() -> Any:
            for pid in range(1, n_posts + 1):
                created = start_time + timedelta(seconds=span * (pid - 1) / n_posts)
                roll = rng.random()
                group_id = company_id = None
                kind = "update"
                if roll < 0.5:
                    group_id = pick(rng, active_groups, group_weights) if rng.random() > 0.01 else 1
                    members = members_of[group_id]
                    if not members:
                        group_id = None
                        author = pick(rng, member_activity, member_weights)
                    else:
                        author = members[
                            min(len(members) - 1, int(len(members) * rng.random() ** 3))
                        ]
                    plain = group_id is None or public_plain[group_id]
                    audience = "network" if plain else f"group:{group_id}"
                elif roll < 0.9:
                    author = pick(rng, member_activity, member_weights)
                    audience = "network"
                    if rng.random() < 0.001:
                        kind = "announcement"
                else:
                    author = pick(rng, member_activity, member_weights)
                    company_id = rng.choice(external_ids)
                    audience = "network"  # members only, like the stream (ADR 0004)
                if kind == "update" and rng.random() < 0.02:
                    kind = "question"
                reactions = int(rng.expovariate(0.5))
                comments = int(rng.expovariate(1.0))
                if rng.random() < 0.2:
                    for topic_id in (
                        {rng.randint(1, 500), rng.randint(1, 500)}
                        if rng.random() < 0.3
                        else {rng.randint(1, 500)}
                    ):
                        tagged.append((pid, topic_id, audience))
                body = f"Post {pid} about the quarterly plan and what we learned this week."
                yield (
                    pid,
                    author,
                    audience,
                    group_id,
                    company_id,
                    kind,
                    "",
                    body,
                    f"<p>{body}</p>",
                    created,
                    created,
                    comments,
                    reactions,
                )

        bulk_insert(
            Post,
            [
                "id",
                "author_id",
                "audience",
                "group_id",
                "company_id",
                "kind",
                "title",
                "body",
                "body_html",
                "created_at",
                "last_activity_at",
                "comment_count",
                "reaction_count",
            ],
            post_rows(),
        )
        timings["posts"] = time.monotonic() - started
        bulk_insert(PostTopic, ["post_id", "topic_id", "audience"], iter(tagged))
        timings["post topics"] = time.monotonic() - started

        # A network post with 50 comments, for the post detail measurement.
        detail_id = n_posts - 1000
        Post.objects.filter(pk=detail_id).update(
            group=None, company=None, audience="network", comment_count=50
        )
        bulk_insert(
            Comment,
            [
                "post_id",
                "author_id",
                "audience",
                "body",
                "body_html",
                "created_at",
                "reaction_count",
            ],
            iter(
                [
                    (
                        detail_id,
                        rng.choice(member_ids),
                        "network",
                        f"Comment {i}",
                        f"<p>Comment {i}</p>",
                        NOW,
                        0,
                    )
                    for i in range(50)
                ]
            ),
        )
        reset_sequences(User, Company, Topic, Group, Post, Comment, Membership, Follow, PostTopic)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    timings["total"] = time.monotonic() - started
    log("built", {k: round(v, 1) for k, v in timings.items()})

    # Activity per author, to find quiet people (few posts) for the sparse follower.
    quiet = [pk for pk in reversed(member_activity) if pk not in in_500][:200]
    quiet_with_posts = [pk for pk in quiet if Post.objects.filter(author_id=pk).exists()][:3]
    return {
        "timings": {k: round(v, 1) for k, v in timings.items()},
        "memberships": memberships,
        "follows": follows,
        "topics_tagged": len(tagged),
        "guests": guests,
        "member_ids": member_ids,
        "in_500": in_500,
        "quiet": quiet_with_posts,
        "groups_of": groups_of,
        "members_of_sizes": {gid: len(p) for gid, p in members_of.items()},
        "visibility": visibility,
        "detail_id": detail_id,
    }


# --- measuring -----------------------------------------------------------------------------------
def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def summary(samples: list[float], **extra: Any) -> dict[str, Any]:
    return {
        "requests": len(samples),
        "p50_ms": round(statistics.median(samples), 2),
        "p99_ms": round(percentile(samples, 0.99), 2),
        "max_ms": round(max(samples), 2),
        **extra,
    }


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.count += 1
        return execute(sql, params, many, context)


def timed(call: Any, *, requests: int, budget: float, warmup: int = 3) -> dict[str, Any]:
    """``call(i)`` returns a response; the first is counted for SQL statements."""
    for i in range(warmup):
        call(i)
    counter = Counter()
    with connection.execute_wrapper(counter):
        response = call(warmup)
    first_status = response.status_code
    results = None
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        if isinstance(body, dict) and isinstance(body.get("results"), list):
            results = len(body["results"])
    samples: list[float] = []
    deadline = time.monotonic() + budget
    i = warmup + 1
    while len(samples) < requests and time.monotonic() < deadline:
        started = time.perf_counter()
        response = call(i)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code < 400, (response.status_code, response.content[:300])
        i += 1
    return summary(samples, queries=counter.count, status=first_status, results=results)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--groups", type=int, default=2_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--follows", type=int, default=200)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--budget", type=float, default=20.0, help="seconds per measurement")
    parser.add_argument("--load-seconds", type=float, default=15.0)
    parser.add_argument("--threads", type=int, default=6, help="load generator threads")
    parser.add_argument("--build-only", action="store_true", help="build the data and stop")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    world = build(args)
    if args.build_only:
        return
    rng = random.Random(11)
    member_ids = world["member_ids"]
    typical_people = [pk for pk in rng.sample(member_ids, 40) if pk not in world["in_500"]][:20]

    def token_for(user_id: int) -> dict[str, str]:
        user = User.objects.get(pk=user_id)
        _token, raw = do_create_api_token(user=user, name="bench")
        return {"Authorization": f"Bearer {raw}"}

    # Edge-case people.
    sparse = User.objects.create(email="sparse@bench.example", name="Sparse Follower", company_id=1)
    Profile.objects.create(user=sparse, guest_visible_fields=[])
    for pk in world["quiet"]:
        Follow.objects.create(follower=sparse, person_id=pk)
    newcomer = User.objects.create(email="new@bench.example", name="New Person", company_id=1)
    Profile.objects.create(user=newcomer, guest_visible_fields=[])
    in_500 = world["in_500"][0]
    back = typical_people[-1]
    typical_people = typical_people[:-1]
    months_ago = NOW - timedelta(days=120)
    back_since = (
        Post.objects.filter(created_at__gte=months_ago)
        .order_by("id")
        .values_list("id", flat=True)
        .first()
    )
    guest_id = sorted(world["guests"])[0]

    headers = {pk: token_for(pk) for pk in typical_people}
    for pk in (sparse.pk, newcomer.pk, in_500, back, guest_id):
        headers[pk] = token_for(pk)
    client = Client()
    scenarios: dict[str, Any] = {}

    def api_get(user_id: int, url: str):  # type: ignore[no-untyped-def]
        return client.get(url, headers=headers[user_id])

    def rotate(url: str):  # type: ignore[no-untyped-def]
        return lambda i: api_get(typical_people[i % len(typical_people)], url)

    def measure(label: str, call: Any, **kw: Any) -> None:
        scenarios[label] = timed(
            call, requests=kw.pop("requests", args.requests), budget=args.budget, **kw
        )
        log(label, scenarios[label])

    measure("home feed API, first page (20 typical people)", rotate("/api/v1/feed?limit=20"))
    # Later pages: follow the cursor of each typical person.
    cursors: dict[tuple[int, int], str] = {}
    for pk in typical_people:
        cursor = None
        for page in range(1, 6):
            response = api_get(
                pk, "/api/v1/feed?limit=20" + (f"&cursor={cursor}" if cursor else "")
            )
            cursor = response.json()["next"]
            if cursor is None:
                break
            cursors[(pk, page + 1)] = cursor
    for page in (2, 5):
        people = [pk for pk in typical_people if (pk, page) in cursors]
        if people:
            measure(
                f"home feed API, page {page} (cursor)",
                lambda i, page=page, people=people: api_get(
                    people[i % len(people)],
                    f"/api/v1/feed?limit=20&cursor={cursors[(people[i % len(people)], page)]}",
                ),
            )
    measure("home feed API, ordering=top", rotate("/api/v1/feed?limit=20&ordering=top"))
    for limit in (5, 50):
        measure(f"home feed API, limit={limit}", rotate(f"/api/v1/feed?limit={limit}"), requests=50)
    measure(
        "edge: sparse follower of 3 quiet people, no group",
        lambda i: api_get(sparse.pk, "/api/v1/feed?limit=20"),
    )
    measure("edge: new person", lambda i: api_get(newcomer.pk, "/api/v1/feed?limit=20"))
    measure("edge: person in 500 groups", lambda i: api_get(in_500, "/api/v1/feed?limit=20"))
    measure(
        "edge: back after 120 days, first page", lambda i: api_get(back, "/api/v1/feed?limit=20")
    )
    measure(
        "edge: back after 120 days, new-posts count",
        lambda i: api_get(back, f"/api/v1/feed/new?since={back_since}"),
    )
    measure(
        "edge: sparse follower, ordering=top",
        lambda i: api_get(sparse.pk, "/api/v1/feed?limit=20&ordering=top"),
    )
    measure(
        "edge: person in 500 groups, ordering=top",
        lambda i: api_get(in_500, "/api/v1/feed?limit=20&ordering=top"),
    )
    measure("guest (external groups only)", lambda i: api_get(guest_id, "/api/v1/feed?limit=20"))
    newest = Post.objects.order_by("-id").values_list("id", flat=True).first()
    measure("new-posts poll, nothing new (typical)", rotate(f"/api/v1/feed/new?since={newest}"))
    measure(
        "new-posts poll, since 1 day ago (typical)",
        rotate(f"/api/v1/feed/new?since={newest - 2740}"),
    )

    # HTML home page: one logged-in client per typical person.
    html_clients = []
    for pk in typical_people:
        browser = Client()
        browser.force_login(User.objects.get(pk=pk))
        html_clients.append(browser)
    measure(
        "home page HTML (feed + composer)", lambda i: html_clients[i % len(html_clients)].get("/")
    )

    # Group feeds: the busiest group of a typical person, and group 1 (10,000 members).
    sizes = world["members_of_sizes"]
    reader = typical_people[0]
    busy_group = max(
        world["groups_of"][reader] - {1}, key=lambda gid: Post.objects.filter(group_id=gid).count()
    )
    measure(
        f"group feed API (group of {sizes[busy_group]} members)",
        lambda i: api_get(reader, f"/api/v1/groups/{busy_group}/posts?limit=20"),
    )
    measure(
        f"group feed API (group 1, {sizes[1]} members)",
        lambda i: api_get(reader, "/api/v1/groups/1/posts?limit=20"),
    )
    measure(
        "profile feed API",
        lambda i: api_get(reader, f"/api/v1/people/{typical_people[1]}/posts?limit=20"),
    )
    measure("network stream API", lambda i: api_get(reader, "/api/v1/network/posts?limit=20"))

    # Post detail with 50 comments: the API if it exists, else the page.
    detail = world["detail_id"]
    probe = api_get(reader, f"/api/v1/posts/{detail}")
    if probe.status_code == 200:
        measure(
            "post detail API (50 comments: post + comments)",
            lambda i: api_get(reader, f"/api/v1/posts/{detail}/comments?limit=50"),
        )
        measure("post detail API (post)", lambda i: api_get(reader, f"/api/v1/posts/{detail}"))
    measure(
        "post detail page HTML (50 comments)", lambda i: html_clients[0].get(f"/posts/{detail}/")
    )

    # Writes: post create with mentions and topics, reaction, comment.
    mention_target = User.objects.get(pk=typical_people[2])
    write_client = Client()
    api_post_ok = client.post(
        "/api/v1/posts",
        data={"body": "probe"},
        content_type="application/json",
        headers=headers[reader],
    ).status_code
    if api_post_ok in (200, 201):
        measure(
            "post create API (mention + 2 topics)",
            lambda i: client.post(
                "/api/v1/posts",
                data={
                    "body": f"Bench {i} with @[{mention_target.name}](user:{mention_target.pk})"
                    f" #bench #topic-{i % 50}",
                    "kind": "update",
                },
                content_type="application/json",
                headers=headers[reader],
            ),
            requests=100,
        )
        react_ids = list(
            Post.objects.filter(audience="network")
            .order_by("-id")
            .values_list("id", flat=True)[2:400]
        )
        measure(
            "reaction API",
            lambda i: client.post(
                f"/api/v1/posts/{react_ids[i % len(react_ids)]}/reactions",
                data={"kind": "like"},
                content_type="application/json",
                headers=headers[reader],
            ),
            requests=100,
        )
        measure(
            "comment API",
            lambda i: client.post(
                f"/api/v1/posts/{detail}/comments",
                data={"body": f"Comment {i}"},
                content_type="application/json",
                headers=headers[reader],
            ),
            requests=100,
        )
    else:
        scenarios["writes"] = {
            "note": f"POST /api/v1/posts answered {api_post_ok}; writes not measured"
        }
    del write_client

    # A post to the 10,000-member group: in every member's home feed at once (read-time merge).
    from hallway.core.permissions import viewer_for
    from hallway.feed.fanout import on_post_created
    from hallway.feed.selectors import home_feed

    author = User.objects.get(pk=reader)
    created_at = time.perf_counter()
    post = Post.objects.create(
        author=author,
        group_id=1,
        audience=Group.objects.get(pk=1).label,
        body="To everyone",
        body_html="<p>To everyone</p>",
    )
    on_post_created(post.pk)
    members_sample = rng.sample([pk for pk in member_ids if 1 in world["groups_of"][pk]], 200)
    seen = 0
    for pk in members_sample:
        page = home_feed(viewer_for(User.objects.get(pk=pk)), limit=20)
        seen += any(p.pk == post.pk for p in page.results)
    scenarios["post to the 10,000-member group"] = {
        "members_checked": len(members_sample),
        "members_seeing_it": seen,
        "seconds_until_all_checked": round(time.perf_counter() - created_at, 2),
    }
    log("fan-out check", scenarios["post to the 10,000-member group"])

    load = load_test(args, [headers[pk]["Authorization"] for pk in typical_people])
    print(
        json.dumps(
            {
                "database": connection.vendor,
                "database_version": database_version(),
                "people": args.people,
                "groups": args.groups,
                "posts": args.posts,
                "follows_per_person": args.follows,
                "rows": {
                    "memberships": world["memberships"],
                    "follows": world["follows"],
                    "post_topics": world["topics_tagged"],
                },
                "build_seconds": world["timings"],
                "scenarios": scenarios,
                "load": load,
            },
            default=str,
        )
    )


def database_version() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version"
        )
        return str(cursor.fetchone()[0])


# --- load test with gunicorn ---------------------------------------------------------------
def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def load_test(args: argparse.Namespace, tokens: list[str]) -> dict[str, Any]:
    connection.close()  # the workers open their own
    port = 18000 + os.getpid() % 1000
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    server = subprocess.Popen(
        [gunicorn, "hallway.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()  # noqa: S310
                break
            except OSError:
                time.sleep(0.3)
        else:
            return {"error": "gunicorn did not start"}

        run = drive(feed_getter(base), tokens, seconds=args.load_seconds, threads=args.threads)
        children = subprocess.run(
            ["pgrep", "-P", str(server.pid)], capture_output=True, text=True
        ).stdout.split()
        rss = [rss_mb(int(pid)) for pid in children if pid.strip()]
        return {**load_summary(run), "worker_rss_mb": rss}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
