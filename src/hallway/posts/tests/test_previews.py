"""Link previews: SSRF address checks, and fetches against a local server (never the internet)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hallway.posts import previews
from hallway.posts.previews import (
    PreviewFailedError,
    PreviewRefusedError,
    address_refusal,
    fetch_preview,
    parse_preview,
    resolve_public,
    vet_url,
)


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "::1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "169.254.1.1",
        "fd00:ec2::254",
        "fe80::1",
        "fc00::1",
        "100.64.0.1",
        "100.127.255.254",
        "0.0.0.0",  # noqa: S104
        "::",
        "224.0.0.1",
        "ff02::1",
        "240.0.0.1",
        "255.255.255.255",
        "::ffff:127.0.0.1",
        "::ffff:10.1.2.3",
        "64:ff9b::a00:1",
        "2002:7f00:1::",
        "192.0.2.1",
        "198.18.0.1",
    ],
)
def test_non_public_addresses_are_refused(address):
    assert address_refusal(address) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_pass(address):
    assert address_refusal(address) is None


def test_loopback_only_with_the_explicit_switch():
    assert address_refusal("127.0.0.1", allow_loopback=True) is None
    assert address_refusal("10.0.0.1", allow_loopback=True) is not None
    assert address_refusal("169.254.169.254", allow_loopback=True) is not None


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/",
        "file:///etc/passwd",
        "gopher://example.com/",
        "http://user:pw@example.com/",
        "http://example.com:8080/",
        "https://example.com:22/",
        "http:///nohost",
        "http://[::1/",
    ],
)
def test_bad_urls_are_refused(url):
    with pytest.raises(PreviewRefusedError):
        vet_url(url)


def test_resolution_checks_every_address(monkeypatch):
    def fake_getaddrinfo(host, port, type=0):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port)),
        ]

    monkeypatch.setattr(previews.socket, "getaddrinfo", fake_getaddrinfo)
    with pytest.raises(PreviewRefusedError):
        resolve_public("mixed.example", 80)


def test_a_name_resolving_to_metadata_is_refused_before_connecting(monkeypatch):
    monkeypatch.setattr(
        previews.socket,
        "getaddrinfo",
        lambda host, port, type=0: [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("169.254.169.254", port))
        ],
    )

    def no_connect(*args, **kwargs):
        raise AssertionError("must not connect")

    monkeypatch.setattr(previews.socket, "create_connection", no_connect)
    with pytest.raises(PreviewRefusedError):
        fetch_preview("http://metadata.example/latest/meta-data/")


def test_parse_prefers_open_graph():
    data = parse_preview(
        "https://x.example/",
        "<html><head><title> Plain  title </title>"
        '<meta property="og:title" content="OG title">'
        '<meta property="og:description" content="What it is">'
        '<meta property="og:site_name" content="X"></head></html>',
    )
    assert (data.title, data.description, data.site_name) == ("OG title", "What it is", "X")
    assert parse_preview("u", "<title>Only <b>title</b></title>").title == "Only title"


# --- against a local server ----------------------------------------------------------------
PAGES: dict[str, tuple[int, dict[str, str], bytes]] = {}


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        status, headers, body = PAGES.get(self.path, (404, {}, b"missing"))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value.replace("{port}", str(self.server.server_address[1])))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_fetch_from_local_server_when_loopback_allowed(server):
    PAGES["/page"] = (200, HTML, b'<title>Hello</title><meta name="description" content="D">')
    data = fetch_preview(f"{server}/page", allow_loopback=True)
    assert data.title == "Hello"
    assert data.description == "D"


def test_loopback_is_refused_by_default(server):
    PAGES["/page"] = (200, HTML, b"<title>Hello</title>")
    with pytest.raises(PreviewRefusedError):
        fetch_preview(f"{server}/page")


def test_redirect_to_a_private_address_is_refused(server):
    PAGES["/go"] = (302, {"Location": "http://10.0.0.1/admin"}, b"")
    with pytest.raises(PreviewRefusedError):
        fetch_preview(f"{server}/go", allow_loopback=True)


def test_redirect_to_metadata_is_refused(server):
    PAGES["/meta"] = (301, {"Location": "http://169.254.169.254/latest/"}, b"")
    with pytest.raises(PreviewRefusedError):
        fetch_preview(f"{server}/meta", allow_loopback=True)


def test_redirects_are_followed_at_most_three_times(server):
    PAGES["/r1"] = (302, {"Location": "/r2"}, b"")
    PAGES["/r2"] = (302, {"Location": "/r3"}, b"")
    PAGES["/r3"] = (302, {"Location": "/final"}, b"")
    PAGES["/final"] = (200, HTML, b"<title>Final</title>")
    assert fetch_preview(f"{server}/r1", allow_loopback=True).title == "Final"
    PAGES["/r0"] = (302, {"Location": "/r1"}, b"")
    with pytest.raises(PreviewRefusedError):
        fetch_preview(f"{server}/r0", allow_loopback=True)


def test_only_html_is_parsed(server):
    PAGES["/json"] = (200, {"Content-Type": "application/json"}, b'{"title": "x"}')
    with pytest.raises(PreviewFailedError):
        fetch_preview(f"{server}/json", allow_loopback=True)


def test_at_most_512_kb_are_read(server):
    big = b"<title>Big</title>" + b"x" * (2 * 1024 * 1024)
    PAGES["/big"] = (200, HTML, big)
    read: list[int] = []
    original = previews._read_limited

    def spy(response, deadline):
        data = original(response, deadline)
        read.append(len(data))
        return data

    previews._read_limited = spy
    try:
        assert fetch_preview(f"{server}/big", allow_loopback=True).title == "Big"
    finally:
        previews._read_limited = original
    assert read == [previews.MAX_BYTES]


def test_connection_is_pinned_to_the_vetted_address(server, monkeypatch):
    """A second DNS answer (rebinding) is never used: we connect to the first vetted one."""
    port = int(server.rsplit(":", 1)[1])
    answers = iter(["127.0.0.1", "10.9.9.9"])
    real = socket.getaddrinfo
    asked: list[str] = []

    def rebinding(host, p, *args, **kwargs):
        if host != "rebind.example":
            return real(host, p, *args, **kwargs)  # the numeric, already vetted address
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), p))]

    monkeypatch.setattr(previews.socket, "getaddrinfo", rebinding)
    PAGES["/pin"] = (200, HTML, b"<title>Pinned</title>")
    data = fetch_preview(f"http://rebind.example:{port}/pin", allow_loopback=True)
    assert data.title == "Pinned"
    assert asked == ["rebind.example"]


@pytest.mark.django_db
def test_post_gets_a_preview_after_commit(server, settings, django_capture_on_commit_callbacks):
    from hallway.core.tests.factories import UserFactory
    from hallway.posts.actions import do_create_post
    from hallway.posts.models import Post

    settings.HALLWAY_LINK_PREVIEWS = True
    settings.HALLWAY_PREVIEW_ALLOW_LOOPBACK = True
    PAGES["/article"] = (200, HTML, b'<meta property="og:title" content="An article">')
    with django_capture_on_commit_callbacks(execute=True):
        post = do_create_post(author=UserFactory(), body=f"Read {server}/article please")
    preview = Post.objects.get(pk=post.pk).link_preview
    assert preview is not None and preview.status == "ok" and preview.title == "An article"


@pytest.mark.django_db
def test_post_preview_refused_for_loopback_by_default(
    server, settings, django_capture_on_commit_callbacks
):
    from hallway.core.tests.factories import UserFactory
    from hallway.posts.actions import do_create_post
    from hallway.posts.models import Post

    settings.HALLWAY_LINK_PREVIEWS = True
    PAGES["/article"] = (200, HTML, b"<title>Internal</title>")
    with django_capture_on_commit_callbacks(execute=True):
        post = do_create_post(author=UserFactory(), body=f"{server}/article")
    preview = Post.objects.get(pk=post.pk).link_preview
    assert preview is not None and preview.status == "failed" and preview.title == ""
