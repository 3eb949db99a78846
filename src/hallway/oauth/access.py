"""Permission layer for OAuth apps (DESIGN §5).

Network admins see and manage every registered app. Each person sees the apps they have
authorised (a live access or refresh token) and nobody else's; another person's app, or one
they never authorised, answers 404 like a missing one.
"""

from __future__ import annotations

import hashlib

from django.db.models import Q, QuerySet
from django.utils import timezone
from oauth2_provider.models import (
    AccessToken,
    Application,
    RefreshToken,
    get_access_token_model,
    get_application_model,
    get_refresh_token_model,
)

from hallway.accounts.access import MAX_DATABASE_ID, can_manage_users
from hallway.core.errors import NotFound, PermissionDenied
from hallway.core.permissions import Viewer
from hallway.oauth.tokens import ACCESS_PREFIX


def _apps() -> QuerySet[Application]:
    return get_application_model().objects.all()


def _require_admin(viewer: Viewer) -> None:
    if viewer.user is None:
        raise NotFound
    if not can_manage_users(viewer):
        raise PermissionDenied("Only network admins can manage OAuth apps.")


def oauth_apps_visible_to(viewer: Viewer) -> QuerySet[Application]:
    """Every registered app, for a network admin; PermissionDenied for anyone else."""
    _require_admin(viewer)
    return _apps().select_related("user").order_by("name", "pk")


def access_oauth_app_by_id(viewer: Viewer, app_id: int) -> Application:
    """One registered app for a network admin; NotFound if missing."""
    apps = oauth_apps_visible_to(viewer)
    if not 0 < app_id <= MAX_DATABASE_ID:
        raise NotFound
    app = apps.filter(pk=app_id).first()
    if app is None:
        raise NotFound
    return app


def live_access_tokens_of(viewer: Viewer) -> QuerySet[AccessToken]:
    return get_access_token_model().objects.filter(
        user_id=viewer.user_id, expires__gt=timezone.now()
    )


def live_refresh_tokens_of(viewer: Viewer) -> QuerySet[RefreshToken]:
    return get_refresh_token_model().objects.filter(user_id=viewer.user_id, revoked__isnull=True)


def authorised_apps_of(viewer: Viewer) -> QuerySet[Application]:
    """The apps this person has authorised and not revoked (a live access or refresh token)."""
    if viewer.user is None:
        raise NotFound
    return (
        _apps()
        .filter(
            Q(pk__in=live_access_tokens_of(viewer).values("application_id"))
            | Q(pk__in=live_refresh_tokens_of(viewer).values("application_id"))
        )
        .order_by("name", "pk")
    )


def access_authorised_app_by_id(viewer: Viewer, app_id: int) -> Application:
    """One app this person has authorised; NotFound otherwise."""
    if not 0 < app_id <= MAX_DATABASE_ID:
        raise NotFound
    app = authorised_apps_of(viewer).filter(pk=app_id).first()
    if app is None:
        raise NotFound
    return app


def app_for_client_id(client_id: str | None) -> Application | None:
    """The app a consent form names (the form itself was checked by oauthlib)."""
    if not client_id:
        return None
    return _apps().filter(client_id=client_id).first()


def access_token_for(raw: str) -> AccessToken | None:
    """The live OAuth access token a bearer string names, with its user; None otherwise.

    None for an unknown, expired or revoked token and for a deactivated person's token, so
    the API answers 401 at once in each case.
    """
    if not raw or not raw.startswith(ACCESS_PREFIX):
        return None
    checksum = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    token = (
        get_access_token_model()
        .objects.select_related("user", "user__company", "application")
        .filter(token_checksum=checksum, user__is_active=True)
        .first()
    )
    if token is None or token.is_expired() or token.application is None:
        return None
    return token
