"""Permission layer for managing people's accounts (DESIGN §5).

Network admins manage everyone, in any state (invited, active, deactivated). Everyone else
may not manage anyone: they get ``PermissionDenied`` whatever the person asked for, so the
answer says nothing about who exists. Anonymous viewers get ``NotFound``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from hallway.accounts.models import User
from hallway.core.errors import NotFound, PermissionDenied
from hallway.core.permissions import Viewer

MAX_DATABASE_ID = 2**63 - 1  # larger ids overflow the database's integer column
ADMIN_ONLY_MESSAGE = "Only network admins can manage people."


def can_manage_users(viewer: Viewer) -> bool:
    """Whether the viewer may create, invite, deactivate people and change their roles."""
    return viewer.user is not None and viewer.is_network_admin


def _require_user_admin(viewer: Viewer) -> None:
    if viewer.user is None:
        raise NotFound
    if not can_manage_users(viewer):
        raise PermissionDenied(ADMIN_ONLY_MESSAGE)


def users_visible_to_admin(viewer: Viewer) -> QuerySet[User]:
    """Everyone on the network in any state, for a network admin.

    Raises ``PermissionDenied`` for anyone else (``NotFound`` when anonymous).
    """
    _require_user_admin(viewer)
    return User.objects.select_related("company")


def access_user_for_admin_by_id(viewer: Viewer, user_id: int) -> User:
    """The person with this id in any state, for a network admin; NotFound if missing.

    Raises ``PermissionDenied`` for a viewer who is not a network admin, before looking.
    """
    people = users_visible_to_admin(viewer)
    if not 0 < user_id <= MAX_DATABASE_ID:
        raise NotFound
    user = people.filter(pk=user_id).first()
    if user is None:
        raise NotFound
    return user


def email_in_use(viewer: Viewer, email: str) -> bool:
    """Whether someone (in any state) already has this email address; network admins only."""
    return users_visible_to_admin(viewer).filter(email__iexact=(email or "").strip()).exists()
