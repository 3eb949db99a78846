"""Link previews, fetched server-side with SSRF protection.

A preview fetch must never reach the inside of the network Hallway runs in. So:

- only ``http`` and ``https`` URLs on ports 80 and 443, without credentials in the URL;
- the host is resolved with ``getaddrinfo`` and **every** address must be public: loopback,
  private, link-local, multicast, reserved, unspecified, CGNAT (100.64/10), IPv4-mapped or
  NAT64 forms of those, and the cloud metadata addresses are refused;
- the connection goes to the vetted address (pinned: no second DNS lookup, so DNS rebinding
  cannot swap it), with the original host name in ``Host`` and in TLS SNI/certificate checks;
- redirects are followed by hand, at most three, and each target is checked again;
- connect and total time are limited (about 5 s), at most 512 KB are read, and only
  ``text/html`` is parsed (``html.parser``: title, og:title, og:description, og:site_name).

Tests may allow loopback with ``allow_loopback=True`` (or the ``HALLWAY_PREVIEW_ALLOW_LOOPBACK``
setting) to talk to a local server; nothing else is ever allowed.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.conf import settings

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = {"http": 80, "https": 443}
ALLOWED_PORTS = {80, 443}
MAX_REDIRECTS = 3
CONNECT_TIMEOUT = 3.0
TOTAL_TIMEOUT = 5.0
MAX_BYTES = 512 * 1024
USER_AGENT = "HallwayLinkPreview/1.0 (+https://github.com/hallway)"

METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud metadata
}
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class PreviewRefusedError(Exception):
    """The URL or an address it resolves to may not be fetched."""


class PreviewFailedError(Exception):
    """The fetch did not produce a usable HTML page."""


@dataclass
class PreviewData:
    url: str
    title: str = ""
    description: str = ""
    site_name: str = ""


def _loopback_allowed(allow_loopback: bool | None) -> bool:
    if allow_loopback is not None:
        return allow_loopback
    return bool(getattr(settings, "HALLWAY_PREVIEW_ALLOW_LOOPBACK", False))


def address_refusal(address: str, *, allow_loopback: bool = False) -> str | None:
    """Why this IP address may not be contacted, or ``None`` when it is a public address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return "not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return address_refusal(str(ip.ipv4_mapped), allow_loopback=allow_loopback)
        if ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
            return address_refusal(str(embedded), allow_loopback=allow_loopback)
        if ip.sixtofour is not None:
            return address_refusal(str(ip.sixtofour), allow_loopback=allow_loopback)
        if ip.teredo is not None:
            return "Teredo address"
    if ip in METADATA_ADDRESSES:
        return "cloud metadata address"
    if ip.is_loopback:
        return None if allow_loopback else "loopback address"
    if ip.is_unspecified:
        return "unspecified address"
    if ip.is_link_local:
        return "link-local address"
    if ip.is_multicast:
        return "multicast address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT:
        return "shared (CGNAT) address"
    if ip.is_private:
        return "private address"
    if ip.is_reserved:
        return "reserved address"
    if not ip.is_global:
        return "non-public address"
    return None


def vet_url(url: str, *, allow_loopback: bool = False) -> tuple[str, str, int, str]:
    """Check a URL's form; returns (scheme, host, port, path-with-query)."""
    if len(url) > 2000:
        raise PreviewRefusedError("URL too long")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise PreviewRefusedError(f"malformed URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise PreviewRefusedError("only http and https")
    if parts.username or parts.password:
        raise PreviewRefusedError("credentials in URL")
    host = parts.hostname or ""
    if not host:
        raise PreviewRefusedError("no host")
    port = port or ALLOWED_SCHEMES[scheme]
    if port not in ALLOWED_PORTS and not allow_loopback:
        raise PreviewRefusedError("only ports 80 and 443")
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return scheme, host, port, path


def resolve_public(host: str, port: int, *, allow_loopback: bool = False) -> str:
    """Resolve a host and return one address to connect to; every address it resolves to
    must be acceptable (an attacker's DNS may mix public and private answers)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        raise PreviewFailedError(f"cannot resolve {host}") from exc
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise PreviewFailedError(f"no address for {host}")
    for address in addresses:
        reason = address_refusal(address, allow_loopback=allow_loopback)
        if reason is not None:
            raise PreviewRefusedError(f"{host} resolves to a {reason}")
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to a vetted address while speaking to the original host."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), timeout=self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), timeout=self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def open_pinned_connection(
    url: str, *, allow_loopback: bool, timeout: float
) -> tuple[http.client.HTTPConnection, str]:
    """The vetted connection for one URL (no request sent yet) and its path: the URL's form
    is checked, its host resolved and every address vetted, and the connection pinned to
    the vetted address. Shared with outgoing webhooks (hallway.webhooks.http), which do not
    follow redirects. Raises PreviewRefusedError or PreviewFailedError."""
    scheme, host, port, path = vet_url(url, allow_loopback=allow_loopback)
    address = resolve_public(host, port, allow_loopback=allow_loopback)
    connection_class: Any = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    return connection_class(host, port, address=address, timeout=timeout), path


def _read_limited(response: http.client.HTTPResponse, deadline: float) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while total < MAX_BYTES:
        if time.monotonic() > deadline:
            raise PreviewFailedError("too slow")
        chunk = response.read(min(16384, MAX_BYTES - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


class _MetaParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.meta: dict[str, str] = {}
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag == "meta":
            values = {key.lower(): (value or "") for key, value in attrs}
            key = (values.get("property") or values.get("name") or "").lower()
            if key in {"og:title", "og:description", "og:site_name", "description"}:
                self.meta.setdefault(key, values.get("content", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title and len(self.title) < 1000:
            self.title += data


def _clean(text: str, limit: int) -> str:
    return " ".join(text.split())[:limit]


def parse_preview(url: str, html: str) -> PreviewData:
    parser = _MetaParser()
    try:
        parser.feed(html)
        parser.close()
    except Exception as exc:  # html.parser on hostile input: keep what was read
        logger.info("preview HTML of %s did not parse fully: %s", url, exc)
    return PreviewData(
        url=url,
        title=_clean(parser.meta.get("og:title") or parser.title, 300),
        description=_clean(
            parser.meta.get("og:description") or parser.meta.get("description", ""), 1000
        ),
        site_name=_clean(parser.meta.get("og:site_name", ""), 200),
    )


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "charset" and value:
            return value.strip("\"'")
    return "utf-8"


def fetch_preview(url: str, *, allow_loopback: bool | None = None) -> PreviewData:
    """Fetch a page's title and description safely (see the module doc). Raises
    PreviewRefusedError for a forbidden URL or address, PreviewFailedError for anything else."""
    loopback = _loopback_allowed(allow_loopback)
    deadline = time.monotonic() + TOTAL_TIMEOUT
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port, path = vet_url(current, allow_loopback=loopback)
        address = resolve_public(host, port, allow_loopback=loopback)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise PreviewFailedError("too slow")
        connection_class: Any = (
            _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
        )
        connection = connection_class(
            host, port, address=address, timeout=min(CONNECT_TIMEOUT, remaining)
        )
        try:
            connection.request(
                "GET",
                path,
                headers={
                    "User-Agent": USER_AGENT,
                    "Accept": "text/html",
                    "Accept-Encoding": "identity",
                },
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise PreviewFailedError("redirect without a location")
                current = urljoin(current, location)
                continue
            if response.status != 200:
                raise PreviewFailedError(f"status {response.status}")
            content_type = response.getheader("Content-Type", "") or ""
            if content_type.split(";")[0].strip().lower() != "text/html":
                raise PreviewFailedError("not an HTML page")
            body = _read_limited(response, deadline)
        except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
            raise PreviewFailedError(str(exc) or exc.__class__.__name__) from exc
        finally:
            connection.close()
        try:
            text = body.decode(_charset(content_type), errors="replace")
        except LookupError:
            text = body.decode("utf-8", errors="replace")
        return parse_preview(current, text)
    raise PreviewRefusedError("too many redirects")
