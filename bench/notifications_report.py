"""The notifications section of ``bench/RESULTS.md``, from the JSON ``bench/notifications.py``
prints (one run per database and task backend)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def _label(result: dict[str, Any]) -> str:
    queue = (
        f"Celery on Redis, {result['workers']} worker processes"
        if result["task_backend"] == "celery"
        else f"embedded database queue, {result['workers']} worker process"
        + ("es" if result["workers"] > 1 else "")
    )
    return f"{result['database']} {result['database_version']}, {queue}"


def notifications_markdown(
    results: list[dict[str, Any]], info: dict[str, str], command: str
) -> str:
    lines = [
        "## Notifications: an announcement to 10,000 people, and 10,000 digests",
        "",
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Command: `{command}`",
        f"- Machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} RAM, {info['os']}; "
        f"Python {info['python']}",
        "- Shared machine: other work ran at the same time; the 1-minute load average before "
        "and after each run is given (2 cores: a load of 2 means the cores were already busy).",
        "- Announcement: `POST /api/v1/posts` (kind announcement, network-wide) through Django's "
        "test client with a Bearer token (server-side time); then the time from the start of "
        "the request until every notification exists, written by real `hallway worker` "
        "processes. Targets: request ≤ 100 ms; all notifications ≤ 10 s (embedded worker), "
        "≤ 5 s (Redis queue, two workers).",
        "- Digests: the hourly scheduler queues every person's weekly digest (batches of 50); "
        "the workers build each through the permission layer and hand it to an SMTP server "
        "(aiosmtpd on 127.0.0.1). Timed from the scheduler call until every person is served. "
        "Target: 10,000 digests ≤ 2 minutes.",
        "",
        "| run | load before → after | announcement request ms (3 runs) | all notifications s "
        "(3 runs) | digests: people | sent | SMTP received | scheduler s | all served s | "
        "digests/s |",
        "| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        a = r.get("announcement", {})
        d = r.get("digests", {})
        runs = a.get("runs", [])
        lines.append(
            f"| {_label(r)} | {r['load_before'][0]} → {r['load_after'][0]} | "
            f"{', '.join(str(x['request_ms']) for x in runs)} | "
            f"{', '.join(str(x['all_seconds']) + ('' if x['complete'] else ' (incomplete)') for x in runs)} | "  # noqa: E501
            f"{d.get('people', '')} | {d.get('sent', '')} | {d.get('smtp_received', '')} | "
            f"{d.get('schedule_seconds', '')} | {d.get('total_seconds', '')}"
            f"{'' if d.get('complete', True) else ' (incomplete)'} | {d.get('per_second', '')} |"
        )
    lines.append("")
    return "\n".join(lines)
