"""The feed section of ``bench/RESULTS.md``, from the JSON that ``bench/feed.py`` prints."""

from __future__ import annotations

import datetime as dt
from typing import Any

TARGETS = {
    "home feed API, first page (20 typical people)": "p50 ≤ 15, p99 ≤ 50",
    "home feed API, page 2 (cursor)": "as the first page",
    "home feed API, page 5 (cursor)": "as the first page",
    "home page HTML (feed + composer)": "p50 ≤ 25, p99 ≤ 80",
    "edge: sparse follower of 3 quiet people, no group": "p99 ≤ 100",
    "edge: new person": "p99 ≤ 100",
    "edge: person in 500 groups": "p99 ≤ 100",
    "edge: back after 120 days, first page": "p99 ≤ 100",
    "post detail page HTML (50 comments)": "p50 ≤ 15",
    "post detail API (post)": "p50 ≤ 15",
    "post detail API (50 comments: post + comments)": "p50 ≤ 15",
    "post create API (mention + 2 topics)": "p50 ≤ 20",
    "reaction API": "p50 ≤ 10",
    "comment API": "p50 ≤ 20",
}


def feed_markdown(results: list[dict[str, Any]], info: dict[str, str], command: str) -> str:
    lines = [
        "## Feed: 10,000 people, 2,000 groups, 1,000,000 posts, 200 follows each",
        "",
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Command: `{command}`",
        f"- Machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} RAM, {info['os']}",
        f"- Python {info['python']}, SQLite {info['sqlite']}"
        + "".join(
            f", PostgreSQL {r['database_version']}"
            for r in results
            if r["database"] == "postgresql"
        ),
        "- What is timed: requests through Django's test client (routing, middleware, token or "
        "session auth, permission labels, selectors, hydration, JSON or HTML), server-side; "
        "then gunicorn with two workers on 127.0.0.1 driven by a threaded Python load "
        "generator on the same two cores (so the generator takes CPU from the workers). "
        "Data and method: `bench/feed.py`; design: `docs/adr/0003-home-feed.md`.",
        "",
    ]
    for result in results:
        build = result["build_seconds"]
        steps = ", ".join(f"{k} {v} s" for k, v in build.items() if k != "total")
        rows = result["rows"]
        lines += [
            f"### {result['database']} {result['database_version']} — "
            f"{result['posts']:,} posts, {result['people']:,} people, {result['groups']:,} groups",
            "",
            f"Built in {build.get('total')} s with bulk inserts (cumulative: {steps}); "
            f"{rows['memberships']:,} memberships, {rows['follows']:,} follows, "
            f"{rows['post_topics']:,} topic tags.",
            "",
            "| scenario | requests | results | SQL queries | p50 ms | p99 ms | max ms "
            "| target ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        ]
        for label, s in result["scenarios"].items():
            if "p50_ms" not in s:
                continue
            shown = "" if s.get("results") is None else s["results"]
            lines.append(
                f"| {label} | {s['requests']} | {shown} | {s['queries']} | {s['p50_ms']} "
                f"| {s['p99_ms']} | {s['max_ms']} | {TARGETS.get(label, '')} |"
            )
        extra = {k: v for k, v in result["scenarios"].items() if "p50_ms" not in v}
        for label, value in extra.items():
            lines.append("")
            lines.append(f"- {label}: {value}")
        load = result.get("load", {})
        lines += [
            "",
            f"- Load, `GET /api/v1/feed?limit=20` with gunicorn (2 workers): {load}",
            "",
        ]
    return "\n".join(lines)
