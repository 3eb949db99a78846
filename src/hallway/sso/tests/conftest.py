"""Identity providers on 127.0.0.1 for the SSO tests.

``oidc_provider``: the real ``oidc-provider-mock`` (authlib) in a thread. ``forged_provider``:
a tiny provider of our own whose token endpoint signs the ID token we ask for (wrong issuer,
audience, expiry or key), for the bad answers the mock cannot give.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
import requests
import werkzeug.serving
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.cache import cache
from jwt.algorithms import RSAAlgorithm

from hallway.accounts.models import User
from hallway.core.tests.factories import UserFactory, host_company
from hallway.sso.actions import do_save_oidc_provider
from hallway.sso.models import OidcProvider

CLIENT_ID = "hallway-test-client"
CLIENT_SECRET = "test-client-secret-123"


class Running:
    def __init__(self, server: werkzeug.serving.BaseWSGIServer) -> None:
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def _serve(app: Any) -> Iterator[Running]:
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Running(server)
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@pytest.fixture
def oidc_provider() -> Iterator[Running]:
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # http on 127.0.0.1 only
    import oidc_provider_mock

    yield from _serve(oidc_provider_mock.app(require_nonce=False))


def set_claims(provider: Running, sub: str, claims: dict[str, Any]) -> None:
    """Pre-authorise a person at the mock provider with these claims."""
    response = requests.put(f"{provider.url}/users/{sub}", json=claims, timeout=5)
    assert response.status_code == 204, response.text


class ForgedProvider:
    """Discovery, keys, authorize and token endpoints; the token says what ``claims`` say."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.url = ""
        self.overrides: dict[str, Any] = {}
        self.sign_with_other_key = False
        self.nonce = ""
        self.claims: dict[str, Any] = {}

    def id_token(self) -> str:
        now = int(time.time())
        payload = {
            "iss": self.url,
            "aud": CLIENT_ID,
            "sub": self.claims.get("sub", "forged-sub"),
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonce,
            **self.claims,
            **self.overrides,
        }
        payload = {k: v for k, v in payload.items() if v is not None}
        key = self.other_key if self.sign_with_other_key else self.key
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "k1"})

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ["PATH_INFO"]
        if path == "/.well-known/openid-configuration":
            body: Any = {
                "issuer": self.url,
                "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token",
                "userinfo_endpoint": f"{self.url}/userinfo",
                "jwks_uri": f"{self.url}/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        elif path == "/jwks":
            jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
            body = {"keys": [{**jwk, "kid": "k1", "alg": "RS256", "use": "sig"}]}
        elif path == "/authorize":
            query = parse_qs(environ["QUERY_STRING"])
            self.nonce = query.get("nonce", [""])[0]
            target = (
                query["redirect_uri"][0]
                + "?"
                + urlencode({"code": secrets.token_urlsafe(8), "state": query["state"][0]})
            )
            start_response("302 Found", [("Location", target)])
            return [b""]
        elif path == "/token":
            body = {"access_token": "at", "token_type": "Bearer", "id_token": self.id_token()}
        elif path == "/userinfo":
            body = {"sub": self.claims.get("sub", "forged-sub"), **self.claims}
        else:
            start_response("404 Not Found", [])
            return [b""]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]


@pytest.fixture
def forged_provider() -> Iterator[ForgedProvider]:
    forged = ForgedProvider()
    for running in _serve(forged):
        forged.url = running.url
        yield forged


@pytest.fixture
def host(db):  # type: ignore[no-untyped-def]
    return host_company()


@pytest.fixture
def admin(host) -> User:  # type: ignore[no-untyped-def]
    return UserFactory(name="Ada Admin", email="ada@northwind.example", is_network_admin=True)


def configure(admin: User, issuer: str, **options: Any) -> OidcProvider:
    return do_save_oidc_provider(
        actor=admin,
        provider=None,
        name="Northwind SSO",
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        domains=["northwind.example"],
        **options,
    )


def start_sso(client: Any, email: str) -> str:
    """Press "Continue with your company account"; returns the provider's authorize URL."""
    response = client.post("/accounts/sso/", {"email": email})
    assert response.status_code == 302, response.content[:1000]
    return str(response["Location"])


def authorize_at_mock(authorize_url: str, sub: str) -> str:
    """Sign in at the mock as ``sub``; returns Hallway's callback path with code and state."""
    response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text[:500]
    parts = urlsplit(response.headers["Location"])
    return f"{parts.path}?{parts.query}"


def follow_forged(authorize_url: str) -> str:
    response = requests.get(authorize_url, allow_redirects=False, timeout=5)
    parts = urlsplit(response.headers["Location"])
    return f"{parts.path}?{parts.query}"
