"""Reads for a person's own account pages: their API tokens and browser sessions.

Both are private to their owner, so every function starts from the viewer's own user.
"""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.db.models import Q, QuerySet
from django.utils import timezone

from hallway.accounts.models import ApiToken, User, UserSession, hash_token
from hallway.core.errors import NotFound
from hallway.core.permissions import Viewer


def _own_user(viewer: Viewer) -> User:
    if viewer.user is None:
        raise NotFound
    return viewer.user


def own_api_tokens(viewer: Viewer) -> QuerySet[ApiToken]:
    """The viewer's live API tokens, newest first."""
    return ApiToken.objects.filter(user=_own_user(viewer), revoked_at__isnull=True).order_by(
        "-created_at"
    )


def access_own_api_token_by_id(viewer: Viewer, token_id: int) -> ApiToken:
    """One of the viewer's own tokens, or NotFound (someone else's looks missing)."""
    token = ApiToken.objects.filter(user=_own_user(viewer), pk=token_id).first()
    if token is None:
        raise NotFound
    return token


def own_sessions(viewer: Viewer) -> QuerySet[UserSession]:
    """The viewer's signed-in browser sessions, most recently seen first.

    Only sessions that still exist: a password change or expiry ends a session without
    passing through Hallway's own sign-out.
    """
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    return UserSession.objects.filter(user=_own_user(viewer), session_key__in=live).order_by(
        "-last_seen_at"
    )


def session_ref(session_key: str) -> str:
    """A public handle for a session: pages never show session keys (they are credentials)."""
    return hash_token(session_key)[:20]


def access_own_session_by_ref(viewer: Viewer, ref: str) -> UserSession:
    """One of the viewer's own sessions by its public handle, or NotFound."""
    for session in own_sessions(viewer):
        if session_ref(session.session_key) == ref:
            return session
    raise NotFound


def filter_people_for_admin(
    people: QuerySet[User], *, query: str = "", state: str = ""
) -> QuerySet[User]:
    """Narrow the admin's people list (from ``users_visible_to_admin``) by state and text."""
    if state == "invited":
        people = people.filter(is_active=False, deactivated_at__isnull=True)
    elif state == "active":
        people = people.filter(is_active=True)
    elif state == "deactivated":
        people = people.filter(deactivated_at__isnull=False)
    if query:
        people = people.filter(Q(name__icontains=query) | Q(email__icontains=query))
    return people.select_related("company").order_by("name", "pk")
