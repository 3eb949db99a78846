"""Permission layer for single sign-on settings (DESIGN §5).

Only network admins configure identity providers and the sign-in policy. Anyone else who is
signed in gets ``PermissionDenied``; anonymous viewers get ``NotFound``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from hallway.core.errors import NotFound, PermissionDenied
from hallway.core.permissions import Viewer
from hallway.sso.models import OidcProvider

MAX_DATABASE_ID = 2**63 - 1
ADMIN_ONLY_MESSAGE = "Only network admins can configure single sign-on."


def can_manage_sso(viewer: Viewer) -> bool:
    """Whether the viewer may configure identity providers and the sign-in policy."""
    return viewer.user is not None and viewer.is_network_admin


def _require_sso_admin(viewer: Viewer) -> None:
    if viewer.user is None:
        raise NotFound
    if not can_manage_sso(viewer):
        raise PermissionDenied(ADMIN_ONLY_MESSAGE)


def providers_visible_to_admin(viewer: Viewer) -> QuerySet[OidcProvider]:
    """Every configured OpenID Connect provider, for a network admin."""
    _require_sso_admin(viewer)
    return OidcProvider.objects.prefetch_related("domains").order_by("name")


def access_provider_for_admin_by_id(viewer: Viewer, provider_id: int) -> OidcProvider:
    """One provider for a network admin; NotFound if missing."""
    providers = providers_visible_to_admin(viewer)
    if not 0 < provider_id <= MAX_DATABASE_ID:
        raise NotFound
    provider = providers.filter(pk=provider_id).first()
    if provider is None:
        raise NotFound
    return provider
