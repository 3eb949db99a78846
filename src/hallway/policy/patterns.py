"""Administrators' regular expressions: validated on save, run with a time limit.

Python's ``re`` cannot be interrupted, so a pattern with nested quantifiers could hang a web
worker on crafted text. Rules use the ``regex`` module with a timeout instead; on save, a
pattern must compile, stay short, and answer adversarial probes within the time limit, so a
catastrophic pattern is refused before it is ever switched on.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import regex

from hallway.core.errors import ActionError

MAX_PATTERN = 500
RUN_TIMEOUT = 0.05  # seconds per text, per rule
PROBE_TIMEOUT = 0.05
PROBES = [
    "a" * 3000 + "!",
    "1" * 3000 + "x",
    " " * 3000 + "x",
    "ab" * 1500 + "!",
    "a1 " * 1000 + "!",
    "x@" * 1000 + "!",
]


@lru_cache(maxsize=512)
def compile_pattern(pattern: str) -> Any:
    return regex.compile(pattern, regex.IGNORECASE | regex.VERSION1)


def check_pattern(pattern: str) -> None:
    """ActionError (field ``pattern``) unless the pattern is safe to run on every post."""
    if not pattern or not pattern.strip():
        raise ActionError("Enter a regular expression.", field="pattern")
    if len(pattern) > MAX_PATTERN:
        raise ActionError(f"Keep the pattern under {MAX_PATTERN} characters.", field="pattern")
    try:
        compiled = compile_pattern(pattern)
    except regex.error as exc:
        raise ActionError(
            f"This is not a valid regular expression: {exc}.", field="pattern"
        ) from exc
    if compiled.search("") is not None:
        raise ActionError(
            "The pattern matches empty text, so it would match everything.", field="pattern"
        )
    # Also the pattern's own literal characters, repeated: (x+x+)+y backtracks on "xxxx…".
    literals = list(dict.fromkeys(ch for ch in pattern if ch.isalnum()))[:8]
    for probe in PROBES + [ch * 3000 + "\x00" for ch in literals]:
        try:
            compiled.search(probe, timeout=PROBE_TIMEOUT)
        except TimeoutError as exc:
            raise ActionError(
                "The pattern takes too long on some texts (nested repetition such as (a+)+ "
                "backtracks catastrophically). Simplify it.",
                field="pattern",
            ) from exc


def find_all(pattern: str, text: str) -> list[tuple[int, int, str]]:
    """Spans of a validated pattern in a text; a run that times out counts as a match of the
    whole text (fail closed: the rule still acts rather than letting the text through)."""
    compiled = compile_pattern(pattern)
    try:
        return [
            (m.start(), m.end(), m.group(0)) for m in compiled.finditer(text, timeout=RUN_TIMEOUT)
        ]
    except TimeoutError:
        return [(0, len(text), text)]
