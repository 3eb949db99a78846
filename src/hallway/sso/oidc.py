"""allauth's OpenID Connect provider, hardened (ADR 0013).

allauth 65 sends no ``nonce`` and, when the ID token came straight from the token endpoint,
skips its signature. Here every authorization request carries a fresh nonce (kept in the
server-side state, checked in ``HallwaySocialAccountAdapter.pre_social_login``), an ID token
is required and always verified against the provider's keys, and the discovery document
must name the issuer the admin configured.
"""

from __future__ import annotations

import secrets
from typing import Any

import jwt
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import HttpRequest, HttpResponse

# Where the adapter leaves the raw ID token and logout endpoint for the sign-in hook.
REQUEST_ATTRIBUTE = "_hallway_oidc"
SIGNING_ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"}


def _same_issuer(a: str, b: str) -> bool:
    return (a or "").rstrip("/") == (b or "").rstrip("/")


class HallwayOidcAdapter(OpenIDConnectOAuth2Adapter):
    @property
    def openid_config(self) -> dict[str, Any]:
        config: dict[str, Any] = super().openid_config
        expected = self.get_provider().app.settings.get("issuer", "")
        if not _same_issuer(config.get("issuer", ""), expected):
            raise OAuth2Error("The provider's discovery document names another issuer.")
        return config

    def complete_login(self, request: HttpRequest, app: Any, token: Any, **kwargs: Any) -> Any:
        if not kwargs["response"].get("id_token"):
            raise OAuth2Error("The provider sent no ID token.")
        login = super().complete_login(request, app, token, **kwargs)
        setattr(
            request,
            REQUEST_ATTRIBUTE,
            {
                "id_token": kwargs["response"]["id_token"],
                "end_session_endpoint": self.openid_config.get("end_session_endpoint") or "",
            },
        )
        return login

    def _decode_id_token(self, app: Any, id_token: str) -> dict[str, Any]:
        # Always check the signature, even over a direct TLS exchange (defence in depth
        # against a misrouted token endpoint). Unlike allauth's helper, a token without a
        # ``kid`` is accepted when the provider publishes exactly one key.
        try:
            header = jwt.get_unverified_header(id_token)
            algorithm = header.get("alg")
            if algorithm not in SIGNING_ALGORITHMS:
                raise OAuth2Error(f"Unsupported ID token algorithm {algorithm!r}.")
            with get_adapter().get_requests_session() as session:
                response = session.get(self.openid_config["jwks_uri"], timeout=10)
                response.raise_for_status()
                key_set = jwt.PyJWKSet.from_dict(response.json())
            kid = header.get("kid")
            keys = [key for key in key_set.keys if kid is None or key.key_id == kid]
            if len(keys) != 1:
                raise OAuth2Error("No single provider key matches the ID token.")
            data: dict[str, Any] = jwt.decode(
                id_token,
                keys[0].key,
                algorithms=[algorithm],
                audience=app.client_id,
                issuer=self.openid_config["issuer"],
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
            jwtkit.verify_jti(data)
        except (jwt.PyJWTError, ValueError) as error:
            raise OAuth2Error(f"Invalid ID token: {error}") from error
        return data


class HallwayOidcProvider(OpenIDConnectProvider):
    package = "allauth.socialaccount.providers.openid_connect"  # its URLs and views

    def get_oauth2_adapter(self, request: HttpRequest) -> HallwayOidcAdapter:
        return HallwayOidcAdapter(request, self.app.provider_id)

    def redirect(
        self,
        request: HttpRequest,
        process: Any,
        next_url: str | None = None,
        data: Any = None,
        **kwargs: Any,
    ) -> HttpResponse:
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        response: HttpResponse = super().redirect(
            request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs
        )
        return response
