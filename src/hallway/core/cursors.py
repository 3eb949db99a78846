"""Opaque cursors for keyset pagination, shared by every list, feed and API page.

A cursor is the JSON list of the last row's sort values, base64url-encoded. Decoding checks
the shape, so a tampered cursor is a clear 400 (``BadCursor``), never a 500.
"""

from __future__ import annotations

import base64
import json
from typing import Any

MAX_ID = 2**63 - 1


class BadCursor(ValueError):  # noqa: N818 (the name pages and the API already use)
    pass


def encode_cursor(*values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *types: type) -> list[Any]:
    """The values of a cursor. With ``types``, exactly that many values of those types (ints
    within id range, strings without NUL); without, any non-empty list (the caller checks)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values: Any = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise BadCursor("Invalid cursor.") from exc
    if not isinstance(values, list) or not values:
        raise BadCursor("Invalid cursor.")
    if types:
        if len(values) != len(types):
            raise BadCursor("Invalid cursor.")
        for value, expected in zip(values, types, strict=True):
            if type(value) is not expected or not _acceptable(value):
                raise BadCursor("Invalid cursor.")
    return values


def _acceptable(value: object) -> bool:
    if isinstance(value, int):
        return 0 <= value <= MAX_ID
    return isinstance(value, str) and "\x00" not in value
