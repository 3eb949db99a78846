"""The ``## Content policy`` section of bench/RESULTS.md from bench/policy.py results."""

from __future__ import annotations

import datetime as dt
from typing import Any


def policy_markdown(results: list[dict[str, Any]], info: dict[str, str], command: str) -> str:
    lines = [
        "## Content policy: what 50 rules add to creating a 2,000-character post",
        "",
        f"- Date: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Command: `{command}`",
        f"- Machine: {info['cpus']} CPUs ({info['cpu']}), {info['memory']} RAM, {info['os']}",
        f"- Python {info['python']}",
        "- What is timed: `posts.actions.do_create_post` (the whole action: checks, policy, "
        "insert, topics, after-commit hooks queued) in an external group, with a ~2,000-"
        "character body, in blocks of 25 alternating 50 enabled rules (14 built-in detectors, "
        "20 keyword lists of 25 words, 16 regular expressions; none matching) and none; also "
        "the policy check alone, and a post where a redact rule matches. Target: the p50 "
        "difference ≤ 5 ms. The machine is shared with other work (2 cores).",
        "",
        "| database | scenario | n | p50 ms | p99 ms |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for result in results:
        name = f"{result['database']} {result['database_version']}"
        for label, s in result["scenarios"].items():
            lines.append(f"| {name} | {label} | {s['n']} | {s['p50_ms']} | {s['p99_ms']} |")
    lines.append("")
    for result in results:
        verdict = "meets" if result["added_p50_ms"] <= 5 else "MISSES"
        lines.append(
            f"- {result['database']}: the 50 rules add **{result['added_p50_ms']} ms** at p50 "
            f"({verdict} the ≤ 5 ms target)."
        )
    lines.append("")
    return "\n".join(lines)
