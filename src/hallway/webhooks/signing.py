"""Secrets and signatures of outgoing webhooks.

A hook's secret must be readable to sign, so it is stored encrypted (Fernet, AES-128-CBC +
HMAC-SHA256) with a key derived from ``SECRET_KEY``: a database dump alone does not reveal
secrets. Rotating ``SECRET_KEY`` makes stored secrets unreadable: rotate each hook's secret
afterwards (docs/admin-guide.md).

Signature: ``Hallway-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">``.
Receivers recompute it over the raw body and reject a timestamp older than
``REPLAY_WINDOW_SECONDS`` (5 minutes).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

REPLAY_WINDOW_SECONDS = 300
SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)


def _fernet() -> Fernet:
    digest = hashlib.sha256(b"hallway.webhooks.secret:" + settings.SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(stored: str) -> str:
    """The hook's secret; ValueError when ``SECRET_KEY`` changed since it was stored."""
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("this hook's secret cannot be read: rotate it") from exc


def sign(secret: str, body: bytes, timestamp: int) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return mac.hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={sign(secret, body, timestamp)}"


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    *,
    now: float | None = None,
    tolerance: int = REPLAY_WINDOW_SECONDS,
) -> bool:
    """What a receiver does (the docs show the same in a few lines)."""
    parts = dict(item.split("=", 1) for item in header.split(",") if "=" in item)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(parts.get("v1", ""), sign(secret, body, timestamp))
