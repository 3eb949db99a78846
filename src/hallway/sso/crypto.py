"""Secrets at rest: Fernet with a key derived from SECRET_KEY (HKDF-SHA256).

Rotating SECRET_KEY makes stored client secrets unreadable: an admin enters them again
(docs/admin-guide.md says so). The derivation is salted per purpose, so the same SECRET_KEY
never yields the same key for two uses.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PURPOSE = b"hallway.sso.client-secret.v1"


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_secret(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt_secret(token: str) -> str:
    """The plain secret, or "" when it cannot be read (empty, or SECRET_KEY changed)."""
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""
