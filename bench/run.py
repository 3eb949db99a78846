"""`make bench`: the directory and feed scenarios on SQLite and, if reachable, PostgreSQL.

``--scenario directory|feed|all`` picks one; each rewrites only its own section of
``bench/RESULTS.md``.

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
    parser.add_argument("--scenario", choices=["directory", "feed", "all"], default="all")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument(
        "--feed-args",
        default="",
        help="extra arguments for bench/feed.py, e.g. '--posts=200000 --load-seconds=10'",
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
    if not args.no_write:
        path.write_text(text)


if __name__ == "__main__":
    main()
