"""`hallway run` from nothing: migrates, loads the demo, serves web and worker, stops cleanly."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
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


def _sign_in_and_browse(port: int) -> None:
    """A persona signs in and opens one page after another on ONE kept-alive connection, as
    browsers do: every answer is a 200 (the server once failed every other request on a
    kept-alive connection after a sign-in)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    cookies: dict[str, str] = {}

    def request(method: str, path: str, body: str | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{port}/accounts/login/"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text

    status, page = request("GET", "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert status == 200 and token is not None
    form = urllib.parse.urlencode(
        {
            "login": "amira.haddad@northwind.example",
            "password": "hallway-demo",
            "csrfmiddlewaretoken": token.group(1),
        }
    )
    status, _ = request("POST", "/accounts/login/", form)
    assert status == 302
    pages = ["/", "/people/", "/groups/", "/companies/", "/notifications/", "/accounts/settings/"]
    for path in pages * 2 + ["/api/v1/feed?limit=5", "/search/?q=pricing"]:
        status, page = request("GET", path)
        assert status == 200, (path, status, page[:300])
    connection.close()


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
        _sign_in_and_browse(port)
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
