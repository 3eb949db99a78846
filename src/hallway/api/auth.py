"""Who is calling the API: a personal access token, an OAuth app's access token, or the
browser's signed-in session.

``Authorization: Bearer …`` wins whenever the header is present: a bad, revoked or
deactivated person's token answers 401 even if a session cookie came along. OAuth access
tokens (``hwo_…``, docs/adr/0016-oauth-apps.md) act as their user through the same permission
layer, and only within their scopes: ``read`` for safe methods, ``write`` for the others,
plus ``admin`` (and the user being an admin) on admin-only routes. Without the header, the
Django session is used, and unsafe methods need the CSRF token (as for forms).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from hallway.accounts.actions import user_for_api_token
from hallway.core.permissions import Viewer, viewer_for
from hallway.oauth.access import access_token_for
from hallway.oauth.tokens import ACCESS_PREFIX

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
ADMIN_ONLY = "Only network admins can do this."
OAUTH_SCOPES: dict[str, str] = dict(getattr(settings, "OAUTH2_PROVIDER", {}).get("SCOPES", {}))


def _remember_viewer(request: HttpRequest, user: Any) -> Viewer:
    viewer = viewer_for(user)
    request._hallway_viewer = viewer  # type: ignore[attr-defined]
    return viewer


def api_viewer(request: HttpRequest) -> Viewer:
    """The viewer the authentication of this request established."""
    viewer = getattr(request, "_hallway_viewer", None)
    if viewer is None:
        viewer = _remember_viewer(request, getattr(request, "auth", None))
    return viewer


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer hw_…`` with a personal access token."""

    def __init__(self, *, admin_only: bool = False) -> None:
        self.admin_only = admin_only
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header)
        if header is None:
            return None  # let the session try
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError(
                message="Send your API token as `Authorization: Bearer <token>`."
            )
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_api_token(token)
        if user is None:
            raise AuthenticationError(
                message="This API token is not valid: it is unknown, revoked, "
                "or its owner is no longer active."
            )
        viewer = _remember_viewer(request, user)
        if not viewer.is_authenticated:
            raise AuthenticationError(message="This account is not active.")
        if self.admin_only and not viewer.is_network_admin:
            raise AuthorizationError(message=ADMIN_ONLY)
        return user


class NoAdminViewer(Viewer):
    """An OAuth token's viewer without the ``admin`` scope: the person's reads, no admin powers."""

    @property
    def is_network_admin(self) -> bool:
        return False

    @property
    def is_compliance_officer(self) -> bool:
        return False


class OAuthTokenAuth(AuthBase):
    """``Authorization: Bearer hwo_…`` with an OAuth app's access token, within its scopes.

    Other bearer tokens are left to ``BearerTokenAuth`` (which refuses SCIM tokens).
    """

    openapi_type = "oauth2"
    openapi_description = (
        "OAuth 2.0 authorization code with PKCE (S256). Scopes: `read` for GET, `write` for "
        "other methods, `admin` in addition on admin-only routes (and only for admins)."
    )
    openapi_flows = {
        "authorizationCode": {
            "authorizationUrl": "/oauth/authorize/",
            "tokenUrl": "/oauth/token/",
            "refreshUrl": "/oauth/token/",
            "scopes": OAUTH_SCOPES,
        }
    }

    def __init__(self, *, admin_only: bool = False) -> None:
        self.admin_only = admin_only
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        scheme, _, raw = request.headers.get("Authorization", "").strip().partition(" ")
        raw = raw.strip()
        if scheme.lower() != "bearer" or not raw.startswith(ACCESS_PREFIX):
            return None  # not an OAuth token: the other classes decide
        token = access_token_for(raw)
        if token is None:
            raise AuthenticationError(
                message="This OAuth token is not valid: it is unknown, expired, revoked, "
                "or its owner is no longer active."
            )
        viewer = _remember_viewer(request, token.user)
        if not viewer.is_authenticated:
            raise AuthenticationError(message="This account is not active.")
        if not token.allow_scopes(["admin"]):
            viewer = NoAdminViewer(user=token.user)
            request._hallway_viewer = viewer  # type: ignore[attr-defined]
        needed = ["read" if request.method in SAFE_METHODS else "write"]
        if self.admin_only:
            needed.append("admin")
        missing = [scope for scope in needed if not token.allow_scopes([scope])]
        if missing:
            raise AuthorizationError(
                message=f"This OAuth token lacks the `{missing[0]}` scope for this request."
            )
        if self.admin_only and not viewer.is_network_admin:
            raise AuthorizationError(message=ADMIN_ONLY)
        return token.user


class SessionCookieAuth(APIKeyCookie):
    """The signed-in browser session; unsafe methods also need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, *, admin_only: bool = False) -> None:
        self.admin_only = admin_only
        # CSRF is checked below, only once we know a session is signed in, so that an
        # anonymous request gets 401 rather than a CSRF error.
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        viewer = _remember_viewer(request, user)
        if not viewer.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise HttpError(
                403,
                "CSRF check failed: send the X-CSRFToken header with the csrftoken cookie's "
                "value, or use an API token.",
            )
        if self.admin_only and not viewer.is_network_admin:
            raise AuthorizationError(message=ADMIN_ONLY)
        return user


signed_in = [OAuthTokenAuth(), BearerTokenAuth(), SessionCookieAuth()]
network_admin = [
    OAuthTokenAuth(admin_only=True),
    BearerTokenAuth(admin_only=True),
    SessionCookieAuth(admin_only=True),
]
