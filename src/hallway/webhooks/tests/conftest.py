"""A real webhook receiver on 127.0.0.1 that verifies signatures and timestamps like the
docs tell receivers to (its own few lines of HMAC, not Hallway's helper)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    secret: str = ""
    status: int = 200
    requests: list[Received] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)

    def verify(self, headers: dict[str, str], body: bytes) -> bool:
        parts = dict(p.split("=", 1) for p in headers.get("Hallway-Signature", "").split(","))
        timestamp = int(parts.get("t", "0"))
        if abs(time.time() - timestamp) > 300:  # the documented replay window
            return False
        expected = hmac.new(
            self.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(expected, parts.get("v1", ""))

    def wait(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count and time.monotonic() < deadline:
            self.arrived.wait(0.05)
            self.arrived.clear()


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:
    settings.HALLWAY_WEBHOOKS_ALLOW_LOOPBACK = True  # only here: normal configuration refuses
    state: dict[str, Receiver] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            rec = state["receiver"]
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(min(length, 1_000_000))
            headers = dict(self.headers.items())
            verified = rec.verify(headers, body)
            rec.requests.append(Received(self.path, headers, body, verified))
            status = rec.status if verified else 401
            answer = b'{"ok": true}' if status < 300 else b"receiver says no " * 100
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            rec.arrived.set()

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state["receiver"] = Receiver(url=f"http://127.0.0.1:{httpd.server_address[1]}/hook")
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield state["receiver"]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
