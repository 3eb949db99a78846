"""POST a signed payload to a hook's URL with the link previews' SSRF protection.

The URL is vetted (``http``/``https``, ports 80 and 443, no credentials), its host resolved
and **every** address checked (no loopback, private, link-local, CGNAT or metadata
addresses), and the connection pinned to the vetted address — all by
``hallway.posts.previews.open_pinned_connection``. Redirects are not followed (a 3xx is a
failed attempt). Time is bounded (3 s to connect, 10 s in all) and at most 4 KB of the
answer are read, of which 500 characters are logged.
"""

from __future__ import annotations

import http.client
import ssl
import time
from dataclasses import dataclass

from django.conf import settings

from hallway.posts.previews import (
    PreviewFailedError,
    PreviewRefusedError,
    open_pinned_connection,
    vet_url,
)

CONNECT_TIMEOUT = 3.0
TOTAL_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 4096
EXCERPT_CHARS = 500
USER_AGENT = "HallwayWebhooks/1.0"


class WebhookURLRefusedError(Exception):
    """The URL may not be called (form, scheme, port or address)."""


@dataclass
class AttemptResult:
    status_code: int | None
    excerpt: str
    duration_ms: int
    error: str = ""

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def loopback_allowed() -> bool:
    return bool(getattr(settings, "HALLWAY_WEBHOOKS_ALLOW_LOOPBACK", False))


def check_url(url: str, *, resolve: bool = True) -> None:
    """Refuse a hook URL when it is saved: its form, and (``resolve``) the addresses its
    host has now. Delivery checks again, since DNS can change."""
    allow = loopback_allowed()
    try:
        if resolve:
            connection, _path = open_pinned_connection(url, allow_loopback=allow, timeout=1)
            connection.close()
        else:
            vet_url(url, allow_loopback=allow)
    except PreviewRefusedError as exc:
        raise WebhookURLRefusedError(str(exc)) from exc
    except PreviewFailedError:
        return  # does not resolve now: delivery will log the failure


def post_json(url: str, body: bytes, headers: dict[str, str]) -> AttemptResult:
    """One attempt; never raises."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        connection, path = open_pinned_connection(
            url, allow_loopback=loopback_allowed(), timeout=CONNECT_TIMEOUT
        )
    except PreviewRefusedError as exc:
        return AttemptResult(None, "", elapsed(), f"refused: {exc}"[:300])
    except PreviewFailedError as exc:
        return AttemptResult(None, "", elapsed(), str(exc)[:300])
    try:
        connection.request(
            "POST",
            path,
            body=body,
            headers={
                "User-Agent": USER_AGENT,
                "Content-Type": "application/json",
                "Accept-Encoding": "identity",
                **headers,
            },
        )
        if connection.sock is not None:
            connection.sock.settimeout(max(0.1, TOTAL_TIMEOUT - (time.monotonic() - started)))
        response = connection.getresponse()
        raw = _read_limited(response, started + TOTAL_TIMEOUT)
        excerpt = raw.decode("utf-8", errors="replace")[:EXCERPT_CHARS]
        error = "redirects are not followed" if 300 <= response.status < 400 else ""
        return AttemptResult(response.status, excerpt, elapsed(), error)
    except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
        return AttemptResult(None, "", elapsed(), (str(exc) or exc.__class__.__name__)[:300])
    finally:
        connection.close()


def _read_limited(response: http.client.HTTPResponse, deadline: float) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total < MAX_RESPONSE_BYTES and time.monotonic() < deadline:
        chunk = response.read(min(1024, MAX_RESPONSE_BYTES - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)
