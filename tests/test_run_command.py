"""`hallway run` from nothing: migrates, loads the demo, serves web and worker, stops cleanly."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

HALLWAY = Path(sys.executable).parent / "hallway"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _sign_in_and_browse(base: str) -> None:
    """A persona signs in and opens one page after another: every answer is a 200 (the
    server once failed every other request after a sign-in)."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(f"{base}/accounts/login/", timeout=10) as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode())
    assert token is not None
    form = urllib.parse.urlencode(
        {
            "login": "amira.haddad@northwind.example",
            "password": "hallway-demo",
            "csrfmiddlewaretoken": token.group(1),
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
    )
    with opener.open(request, timeout=10) as response:
        assert response.status == 200
        assert "Amira" in response.read().decode()
    pages = ["/", "/people/", "/groups/", "/companies/", "/notifications/", "/people/me/"]
    for path in pages * 2 + ["/api/v1/feed?limit=5", "/search/?q=pricing"]:
        with opener.open(f"{base}{path}", timeout=10) as response:
            assert response.status == 200, path


@pytest.mark.skipif(not HALLWAY.exists(), reason="the hallway console script is not installed")
def test_run_serves_a_demo_network_from_an_empty_data_dir(tmp_path):
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "HALLWAY_"))},
        "HALLWAY_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hallway.sqlite3'}",
    }
    process = subprocess.Popen(
        [str(HALLWAY), "run", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        status = None
        while time.monotonic() < deadline:
            try:
                status, _ = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                if process.poll() is not None:
                    break
                time.sleep(0.5)
        assert status == 200, process.stdout.read() if process.poll() is not None else "no answer"
        status, body = _get(f"http://127.0.0.1:{port}/accounts/login/")
        assert status == 200
        assert "Sign in" in body
        _sign_in_and_browse(f"http://127.0.0.1:{port}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
    assert "Hallway is starting at" in output
    assert "amira.haddad@northwind.example" in output
    assert "Hallway worker started." in output
