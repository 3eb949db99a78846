"""Permission layer for SCIM (DESIGN §5).

A provisioning client sees the members of the host company (guests belong to other
companies' directories) and every team. A person SCIM deleted is gone for SCIM: 404, and
absent from lists (RFC 7644 §3.6), while their account stays deactivated with its content.
Network admins manage the clients themselves.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from scim2_models import NotFoundException

from hallway.accounts.access import MAX_DATABASE_ID, can_manage_users
from hallway.accounts.models import User
from hallway.core.errors import NotFound, PermissionDenied
from hallway.core.permissions import Viewer
from hallway.profiles.models import Team
from hallway.scim.models import ScimClient


def scim_users_visible_to(client: ScimClient) -> QuerySet[User]:
    """The people a provisioning client reads and writes: host-company members not deleted."""
    del client  # every live client sees the same directory
    return (
        User.objects.filter(kind=User.Kind.MEMBER)
        .filter(Q(scim__isnull=True) | Q(scim__deleted_at__isnull=True))
        .select_related("scim", "profile", "profile__team")
    )


def _parse_id(raw: str) -> int:
    if not raw.isdigit() or not 0 < int(raw) <= MAX_DATABASE_ID:
        raise NotFoundException(detail="No such resource.")
    return int(raw)


def access_scim_user_by_id(client: ScimClient, raw_id: str, *, for_update: bool = False) -> User:
    """One person by SCIM id; NotFoundException (404) if missing, a guest or SCIM-deleted."""
    people = scim_users_visible_to(client)
    if for_update:
        people = people.select_for_update(of=("self",))
    user = people.filter(pk=_parse_id(raw_id)).first()
    if user is None:
        raise NotFoundException(detail="No such user.")
    return user


def scim_teams_visible_to(client: ScimClient) -> QuerySet[Team]:
    """Every team, served as a SCIM Group."""
    del client
    return Team.objects.select_related("scim")


def access_scim_team_by_id(client: ScimClient, raw_id: str) -> Team:
    team = scim_teams_visible_to(client).filter(pk=_parse_id(raw_id)).first()
    if team is None:
        raise NotFoundException(detail="No such group.")
    return team


def _require_admin(viewer: Viewer) -> None:
    if viewer.user is None:
        raise NotFound
    if not can_manage_users(viewer):
        raise PermissionDenied("Only network admins can manage provisioning clients.")


def scim_clients_visible_to(viewer: Viewer) -> QuerySet[ScimClient]:
    """Every provisioning client, for a network admin; PermissionDenied for anyone else."""
    _require_admin(viewer)
    return ScimClient.objects.select_related("created_by")


def access_scim_client_by_id(viewer: Viewer, client_id: int) -> ScimClient:
    """One provisioning client for a network admin; NotFound if missing."""
    clients = scim_clients_visible_to(viewer)
    if not 0 < client_id <= MAX_DATABASE_ID:
        raise NotFound
    client = clients.filter(pk=client_id).first()
    if client is None:
        raise NotFound
    return client
