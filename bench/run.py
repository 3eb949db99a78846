"""`make bench`: the directory and feed scenarios on SQLite and, if reachable, PostgreSQL.

``--scenario directory|feed|notifications|policy|scim|webhooks|all`` picks one; each
rewrites only its own section of ``bench/RESULTS.md`` (``notifications`` and ``policy`` run
only when asked for by name).

Each database runs in its own process (Django settings are per process) against a throwaway
database: a temporary data directory for SQLite, a database ``hallway_bench`` created (and
dropped afterwards) on the PostgreSQL server at ``BENCH_PG_URL``. Results go to stdout and to
``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BENCH_DB = "hallway_bench"


def run_scenario(
    env_extra: dict[str, str],
    args: argparse.Namespace,
    script: str = "directory.py",
    script_args: list[str] | None = None,
) -> dict:  # type: ignore[type-arg]
    with tempfile.TemporaryDirectory(prefix="hallway-bench-") as data_dir:
        env = {**os.environ, "HALLWAY_DATA_DIR": data_dir, **env_extra}
        env.pop("HALLWAY_TESTING", None)
        if not env.get("DATABASE_URL"):
            env.pop("DATABASE_URL", None)  # SQLite in the temporary data directory
        command = [
            sys.executable,
            str(HERE / script),
            *(
                script_args
                if script_args is not None
                else [f"--people={args.people}", f"--requests={args.requests}"]
            ),
        ]
        result = subprocess.run(
            command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=3600, check=False
        )
        if result.returncode != 0:
            raise SystemExit(f"benchmark failed:\n{result.stderr[-4000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])


def postgres_admin(sql: str) -> bool:
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(PG_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(sql)
    except psycopg.Error as exc:
        print(f"PostgreSQL at {PG_URL}: {exc}".strip(), file=sys.stderr)
        return False
    return True


def machine() -> dict[str, str]:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(meminfo.read_text().split("\n")[0].split()[1])
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    import sqlite3

    return {
        "cpus": str(os.cpu_count()),
        "cpu": platform.processor() or platform.machine(),
        "memory": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "os": platform.platform(),
    }


def markdown(results: list[dict], info: dict[str, str], command: str) -> str:  # type: ignore[type-arg]
    lines = [
        "# Benchmark results",
        "",
        "## Directory: 100,000 people, first page of the list and of searches",
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
        "- What is timed: `GET /api/v1/people?limit=20[&q=…]` through Django's test client "
        "(routing, middleware, Bearer-token auth, permission layer, selector, JSON), as the "
        "persona Maya (a member); server-side, no network. Target: p50 ≤ 30 ms, p99 ≤ 100 ms.",
        "- SQL queries are those of one whole request: the token check and the viewer's labels "
        "as well as the directory's own (search probe, page ids, people, skills); the count is "
        "the same for limit=5 and limit=50. The machine is shared with other work, so single "
        "max values include scheduling noise.",
        "",
    ]
    for result in results:
        lines += [
            f"### {result['database']} {result['database_version']} — "
            f"{result['people']:,} people (demo built in {result['demo_seconds']} s)",
            "",
            "| scenario | requests | results | SQL queries | p50 ms | p99 ms | max ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for label, s in result["scenarios"].items():
            lines.append(
                f"| {label} | {s['requests']} | {s['results']} | {s['queries']} | "
                f"{s['p50_ms']} | {s['p99_ms']} | {s['max_ms']} |"
            )
        lines.append("")
    return "\n".join(lines)


def run_on_each_database(
    args: argparse.Namespace, script: str, script_args: list[str] | None, database: str
) -> list[dict]:  # type: ignore[type-arg]
    """One run on SQLite and one on PostgreSQL (database ``database``), if it answers."""
    results = []
    print(f"{script}: SQLite…", file=sys.stderr)
    results.append(run_scenario({"DATABASE_URL": ""}, args, script, script_args))
    if postgres_admin(f"DROP DATABASE IF EXISTS {database}") and postgres_admin(
        f"CREATE DATABASE {database}"
    ):
        print(f"{script}: PostgreSQL…", file=sys.stderr)
        bench_url = PG_URL.rsplit("/", 1)[0] + f"/{database}"
        try:
            results.append(run_scenario({"DATABASE_URL": bench_url}, args, script, script_args))
        finally:
            postgres_admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    else:
        print("PostgreSQL not reachable: SQLite only.", file=sys.stderr)
    return results


def redis_available(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # any failure means "not available"
        print(f"Redis at {url}: {exc}", file=sys.stderr)
        return False
    return True


def run_notifications(args: argparse.Namespace) -> list[dict]:  # type: ignore[type-arg]
    """SQLite with the embedded queue and one worker (what ``hallway run`` starts), then
    two; PostgreSQL with the embedded queue and two workers; PostgreSQL with Celery on Redis
    and two worker processes, when Redis answers."""
    extra = args.notifications_args.split() if args.notifications_args else []
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
    results = []
    for workers in (1, 2):
        print(f"notifications.py: SQLite, embedded queue, {workers} worker(s)…", file=sys.stderr)
        results.append(
            run_scenario(
                {"DATABASE_URL": "", "HALLWAY_TASK_BACKEND": "database"},
                args,
                "notifications.py",
                [f"--workers={workers}", *extra],
            )
        )
    database = BENCH_DB + "_notifications"
    configs = [("database", 2)]
    if redis_available(redis_url):
        configs.append(("redis", 2))
    for backend, workers in configs:
        if not (
            postgres_admin(f"DROP DATABASE IF EXISTS {database}")
            and postgres_admin(f"CREATE DATABASE {database}")
        ):
            print("PostgreSQL not reachable: SQLite only.", file=sys.stderr)
            break
        env = {
            "DATABASE_URL": PG_URL.rsplit("/", 1)[0] + f"/{database}",
            "HALLWAY_TASK_BACKEND": backend,
        }
        if backend == "redis":
            import redis

            redis.Redis.from_url(redis_url).flushdb()
            env |= {"TASK_BROKER_URL": redis_url, "REDIS_URL": redis_url}
        print(f"notifications.py: PostgreSQL, {backend} queue…", file=sys.stderr)
        try:
            results.append(
                run_scenario(env, args, "notifications.py", [f"--workers={workers}", *extra])
            )
        finally:
            postgres_admin(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            if backend == "redis":
                import redis

                redis.Redis.from_url(redis_url).flushdb()
    return results


def scim_markdown(results: list[dict], info: dict[str, str], command: str) -> str:  # type: ignore[type-arg]
    """The SCIM section: provisioning throughput and ``userName eq`` latency per database."""
    lines = [
        "## SCIM",
        "",
        f"{dt.date.today().isoformat()}, {info['cpus']} CPUs ({info['cpu']}), {info['memory']}, "
        f"Python {info['python']}. Command: `{command}`. Django test client in one process "
        "(server-side time, no network). Targets: ≥ 100 creates/s; `userName eq` p50 ≤ 10 ms "
        "at 100,000 people.",
        "",
        "| database | people before | creates | creates/s | failures | filter p50 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} | {r['people_before']:,} | {r['created']:,} of "
            f"{r['creates_asked']:,} | {r['creates_per_second']} | {r['create_failures']} | "
            f"{r['filter_p50_ms']} | {r['filter_p99_ms']} |"
        )
    return "\n".join(lines) + "\n"


def webhooks_markdown(results: list[dict], info: dict[str, str], command: str) -> str:  # type: ignore[type-arg]
    """The webhooks section: action → verified arrival at a local receiver."""
    lines = [
        "## Webhooks",
        "",
        f"{dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M')} UTC, {info['cpus']} CPUs "
        f"({info['cpu']}), {info['memory']}, Python {info['python']}. Command: `{command}`. "
        "A network-wide hook on `post.created`; posts created with `do_create_post` at random "
        "intervals (0.3–1.5 s); one `hallway worker` subprocess (embedded database queue, "
        "1 s poll, as `hallway run` starts it) dispatches and delivers; a threaded receiver on "
        "127.0.0.1 verifies HMAC and timestamp. Time from just before the action until the "
        "receiver has the verified message. Target: ≤ 2 s.",
        "",
        "| database | events | delivered | bad signatures | p50 s | p95 s | max s | ≤ 2 s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['database']} {r['database_version']} | {r['events']} | {r['delivered']} | "
            f"{r['bad_signatures']} | {r['p50_s']} | {r['p95_s']} | {r['max_s']} | "
            f"{r['within_2s']} of {r['events']} |"
        )
    return "\n".join(lines) + "\n"


def replace_section(text: str, heading: str, section: str) -> str:
    """Put ``section`` (starting with ``heading``) in place of the old one, or append it."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(heading)), None)
    if start is None:
        return (text.rstrip() + "\n\n" + section).strip() + "\n"
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join([*lines[:start], section.rstrip(), "", *lines[end:]]).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--scenario",
        choices=["directory", "feed", "notifications", "policy", "scim", "webhooks", "all"],
        default="all",
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--feed-args",
        default="",
        help="extra arguments for bench/feed.py, e.g. '--posts=200000 --load-seconds=10'",
    )
    parser.add_argument(
        "--notifications-args",
        default="",
        help="extra arguments for bench/notifications.py, e.g. '--people=2000 --timeout=120'",
    )
    parser.add_argument(
        "--scim-args",
        default="",
        help="extra arguments for bench/scim.py, e.g. '--people=100000 --creates=10000'",
    )
    parser.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    args = parser.parse_args()
    command = " ".join(["python bench/run.py", *sys.argv[1:]])
    info = machine()
    path = HERE / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if args.scenario in ("directory", "all"):
        results = run_on_each_database(args, "directory.py", None, BENCH_DB)
        section = markdown(results, info, command)
        section = section.split("\n", 2)[2] if section.startswith("# ") else section
        print(section)
        text = replace_section(text, "## Directory", section)
    if args.scenario in ("feed", "all"):
        from feed_report import feed_markdown

        feed_args = args.feed_args.split() if args.feed_args else []
        results = run_on_each_database(args, "feed.py", feed_args, BENCH_DB + "_feed")
        section = feed_markdown(results, info, command)
        print(section)
        text = replace_section(text, "## Feed", section)
    if args.scenario == "notifications":
        from notifications_report import notifications_markdown

        results = run_notifications(args)
        section = notifications_markdown(results, info, command)
        print(section)
        # This run takes minutes: start from the file as it is now (others may have written).
        current = path.read_text() if path.exists() else text
        text = replace_section(current, "## Notifications", section)
    if args.scenario == "scim":
        scim_args = args.scim_args.split() if args.scim_args else []
        results = run_on_each_database(args, "scim.py", scim_args, BENCH_DB + "_scim")
        section = scim_markdown(results, info, command)
        print(section)
        text = replace_section(text, "## SCIM", section)
    if args.scenario == "policy":
        from policy_report import policy_markdown

        results = run_on_each_database(
            args, "policy.py", [f"--requests={args.requests}"], BENCH_DB + "_policy"
        )
        section = policy_markdown(results, info, command)
        print(section)
        text = replace_section(text, "## Content policy", section)
    if args.scenario == "webhooks":
        results = run_on_each_database(args, "webhooks.py", [], BENCH_DB + "_webhooks")
        section = webhooks_markdown(results, info, command)
        print(section)
        text = replace_section(text, "## Webhooks", section)
    if not args.no_write:
        path.write_text(text)


if __name__ == "__main__":
    main()
