"""Writes for OAuth apps: register and delete apps (admins), record consent, revoke access.

Every write is atomic and audited (``oauth.app.register``, ``oauth.app.delete``,
``oauth.consent``, ``oauth.authorisation.revoke``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db import transaction
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import Application, get_application_model, get_grant_model

from hallway.accounts.models import User
from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError
from hallway.core.permissions import Viewer
from hallway.oauth.access import live_access_tokens_of, live_refresh_tokens_of

CLIENT_TYPES = {
    "confidential": Application.CLIENT_CONFIDENTIAL,
    "public": Application.CLIENT_PUBLIC,
}
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
MAX_REDIRECT_URIS = 10


def clean_redirect_uris(raw: str) -> list[str]:
    """Whitespace-separated absolute URIs: https, or http only on a loopback host (RFC 8252)."""
    uris = (raw or "").split()
    if not uris:
        raise ActionError("Give at least one redirect URI.", field="redirect_uris")
    if len(uris) > MAX_REDIRECT_URIS:
        raise ActionError(
            f"An app has at most {MAX_REDIRECT_URIS} redirect URIs.", field="redirect_uris"
        )
    for uri in uris:
        parts = urlsplit(uri)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("https", "http") or not host:
            raise ActionError(f"“{uri}” is not an absolute https URL.", field="redirect_uris")
        if parts.scheme == "http" and host not in LOOPBACK_HOSTS:
            raise ActionError(
                f"“{uri}” must use https (http is allowed only for localhost).",
                field="redirect_uris",
            )
        if parts.fragment or "#" in uri or "*" in uri:
            raise ActionError(
                f"“{uri}” may not contain a fragment or a wildcard: redirect URIs match exactly.",
                field="redirect_uris",
            )
    return list(dict.fromkeys(uris))


def do_register_oauth_app(
    *, actor: User | None, name: str, client_type: str, redirect_uris: str
) -> tuple[Application, str]:
    """Register an app for the authorization-code flow with PKCE.

    Returns the app and, for a confidential client, its secret (shown once, stored hashed).
    """
    name = (name or "").strip()
    if not name:
        raise ActionError("Give the app a name, such as “CRM”.", field="name")
    if len(name) > 100:
        raise ActionError("An app name has at most 100 characters.", field="name")
    if client_type not in CLIENT_TYPES:
        raise ActionError("Choose confidential or public.", field="client_type")
    uris = clean_redirect_uris(redirect_uris)
    secret = generate_client_secret() if client_type == "confidential" else ""
    with transaction.atomic():
        app = get_application_model()(
            name=name,
            user=actor,
            client_type=CLIENT_TYPES[client_type],
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            redirect_uris=" ".join(uris),
            post_logout_redirect_uris="",
            skip_authorization=False,
            hash_client_secret=True,
        )
        if secret:
            app.client_secret = secret
        app.save()
        record_audit_event(
            actor=actor,
            action="oauth.app.register",
            target=app,
            name=name,
            client_type=client_type,
            redirect_uris=uris,
        )
    return app, secret


def do_delete_oauth_app(*, actor: User | None, app: Application) -> None:
    """Delete an app: every token it holds stops working at once."""
    with transaction.atomic():
        record_audit_event(actor=actor, action="oauth.app.delete", target=app, name=app.name)
        app.delete()


def record_oauth_consent(*, user: User, app: Application, scopes: str, allowed: bool) -> None:
    """Audit a person's answer on the consent page."""
    record_audit_event(
        actor=user,
        action="oauth.consent",
        target=app,
        scopes=scopes.split(),
        allowed=allowed,
    )


def do_revoke_oauth_authorisation(*, viewer: Viewer, app: Application) -> int:
    """End every token and pending grant this person gave the app; returns how many ended."""
    with transaction.atomic():
        refresh = list(live_refresh_tokens_of(viewer).filter(application=app))
        for token in refresh:
            token.revoke()
        deleted, _ = live_access_tokens_of(viewer).filter(application=app).delete()
        get_grant_model().objects.filter(user_id=viewer.user_id, application=app).delete()
        record_audit_event(
            actor=viewer.user, action="oauth.authorisation.revoke", target=app, name=app.name
        )
    return len(refresh) + deleted
