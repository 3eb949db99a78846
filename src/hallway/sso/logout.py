"""Single logout: after signing out here, send the browser to the provider's
``end_session_endpoint`` (OpenID Connect RP-initiated logout) when it has one."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

SESSION_KEY = "hallway_sso"


def provider_logout_url(request: HttpRequest) -> str | None:
    """The provider's logout URL for this session's SSO sign-in, or None."""
    info = request.session.get(SESSION_KEY) or {}
    endpoint = info.get("end_session_endpoint")
    if not endpoint or not str(endpoint).startswith(("https://", "http://")):
        return None
    params = {
        "post_logout_redirect_uri": settings.HALLWAY_BASE_URL + reverse("account_login"),
        "client_id": info.get("client_id", ""),
    }
    if info.get("id_token"):
        params["id_token_hint"] = info["id_token"]
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"
