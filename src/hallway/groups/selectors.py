"""Reads for group pages and the API. Every one starts from the permission layer
(``groups_visible_to``, ``people_visible_to``, ``attachments_visible_to``) and costs a fixed
number of queries whatever the page size: keyset pagination, counts as subqueries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from hallway.accounts.access import users_visible_to_admin
from hallway.accounts.models import User
from hallway.core.cursors import decode_cursor, encode_cursor
from hallway.core.errors import NotFound
from hallway.core.permissions import Viewer
from hallway.groups.access import (
    can_manage_group,
    can_manage_members,
    can_see_group_members,
    groups_visible_to,
    membership_of,
)
from hallway.groups.models import BreakGlassAccess, Group, Membership, NetworkSettings
from hallway.profiles.access import people_visible_to

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
PENDING_LIMIT = 200
BREAK_GLASS_NOTICE_DAYS = 90

SCOPES = ("", "mine", "public", "private", "secret", "archived")


@dataclass(frozen=True)
class GroupFilters:
    """``scope``: "" (all I may see), mine, public, private, secret, archived; ``q``: part of
    the name. Archived groups are listed (they stay findable) except under ``mine``'s default."""

    scope: str = ""
    q: str = ""


@dataclass(frozen=True)
class Page:
    results: list[Any]
    next_cursor: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


_encode = encode_cursor
_decode = decode_cursor


def _limit(limit: int) -> int:
    return max(1, min(limit, MAX_PAGE_SIZE))


def active_member_count() -> Coalesce:
    """Active members who are themselves active, as a subquery per group row."""
    counted = (
        Membership.objects.filter(
            group=OuterRef("pk"), state=Membership.State.ACTIVE, user__is_active=True
        )
        .order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def with_viewer_state(groups: QuerySet[Group], viewer: Viewer) -> QuerySet[Group]:
    """Annotate ``member_count``, and the viewer's own ``my_state`` and ``my_role``."""
    mine = Membership.objects.filter(group=OuterRef("pk"), user_id=viewer.user_id or 0)
    return groups.annotate(
        member_count=active_member_count(),
        my_state=Subquery(mine.values("state")[:1]),
        my_role=Subquery(mine.values("role")[:1]),
    )


def group_directory(
    viewer: Viewer,
    filters: GroupFilters,
    *,
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
) -> Page:
    """One page of the groups this viewer may see, by name: two queries (the page with its
    counts and the viewer's membership, and the external companies of the page's groups)."""
    limit = _limit(limit)
    groups = groups_visible_to(viewer)
    scope = filters.scope if filters.scope in SCOPES else ""
    if scope == "mine":
        groups = groups.filter(
            memberships__user_id=viewer.user_id or 0, memberships__state=Membership.State.ACTIVE
        )
    elif scope in {"public", "private", "secret"}:
        groups = groups.filter(visibility=scope, archived_at__isnull=True)
    elif scope == "archived":
        groups = groups.filter(archived_at__isnull=False)
    q = " ".join((filters.q or "").split())[:200]
    if q:
        groups = groups.filter(name__icontains=q)
    if cursor:
        name, pk = _decode(cursor, str, int)
        groups = groups.filter(Q(name__gt=name) | Q(name=name, pk__gt=pk))
    rows = list(
        with_viewer_state(groups, viewer)
        .prefetch_related("companies")
        .order_by("name", "pk")[: limit + 1]
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _encode(rows[-1].name, rows[-1].pk)
    return Page(results=rows, next_cursor=next_cursor)


def my_groups(viewer: Viewer, *, limit: int = 50) -> list[Group]:
    """The groups the viewer is an active member of, by name (for the home page and menus)."""
    if viewer.user is None:
        return []
    return list(
        groups_visible_to(viewer)
        .filter(
            memberships__user_id=viewer.user_id or 0, memberships__state=Membership.State.ACTIVE
        )
        .order_by("name", "pk")[:limit]
    )


def group_with_details(viewer: Viewer, group: Group) -> Group:
    """The group again, with member count and the viewer's state, its companies loaded."""
    found = (
        with_viewer_state(groups_visible_to(viewer).filter(pk=group.pk), viewer)
        .prefetch_related("companies")
        .first()
    )
    if found is None:
        raise NotFound
    return found


def owners_of(viewer: Viewer, group: Group, *, limit: int = 20) -> list[User]:
    """The group's active owners this viewer may see (names on the about section)."""
    return list(
        people_visible_to(viewer)
        .filter(
            group_memberships__group=group,
            group_memberships__state=Membership.State.ACTIVE,
            group_memberships__role=Membership.Role.OWNER,
        )
        .order_by("name", "pk")[:limit]
    )


ROLE_ORDER = Case(
    When(role=Membership.Role.OWNER, then=Value(0)),
    When(role=Membership.Role.MODERATOR, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def group_members(
    viewer: Viewer,
    group: Group,
    *,
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
    q: str = "",
) -> Page:
    """One page of the group's active members, by name, each with ``group_role``.

    Raises NotFound unless ``can_see_group_members``: for private and secret groups only
    their members and network admins see who is in them. Two queries.
    """
    if not can_see_group_members(viewer, group):
        raise NotFound
    limit = _limit(limit)
    people = people_visible_to(viewer).filter(
        group_memberships__group=group, group_memberships__state=Membership.State.ACTIVE
    )
    q = " ".join((q or "").split())[:200]
    if q:
        people = people.filter(name__icontains=q)
    if cursor:
        name, pk = _decode(cursor, str, int)
        people = people.filter(Q(name__gt=name) | Q(name=name, pk__gt=pk))
    rows = list(
        people.annotate(group_role=F("group_memberships__role"))
        .select_related("company", "profile")
        .order_by("name", "pk")[: limit + 1]
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _encode(rows[-1].name, rows[-1].pk)
    return Page(results=rows, next_cursor=next_cursor)


def pending_memberships(viewer: Viewer, group: Group) -> dict[str, list[Membership]]:
    """Open requests and invitations, for the group's owners, moderators and admins:
    ``{"requests": [...], "invitations": [...], "declined": [...]}``, oldest first. One query."""
    if not can_manage_members(viewer, group):
        return {"requests": [], "invitations": [], "declined": []}
    rows = list(
        Membership.objects.filter(
            group=group,
            state__in=[
                Membership.State.REQUESTED,
                Membership.State.INVITED,
                Membership.State.DECLINED,
            ],
            user__is_active=True,
        )
        .select_related("user", "user__company", "invited_by")
        .order_by("created_at", "pk")[: PENDING_LIMIT * 3]
    )
    return {
        "requests": [m for m in rows if m.state == Membership.State.REQUESTED][:PENDING_LIMIT],
        "invitations": [m for m in rows if m.state == Membership.State.INVITED][:PENDING_LIMIT],
        "declined": [m for m in rows if m.state == Membership.State.DECLINED][:PENDING_LIMIT],
    }


def my_invitations(viewer: Viewer, *, limit: int = 50) -> list[Membership]:
    """Groups the viewer is invited to and may see (for the directory and home page)."""
    if viewer.user is None:
        return []
    visible = groups_visible_to(viewer)
    return list(
        Membership.objects.filter(
            user_id=viewer.user_id or 0, state=Membership.State.INVITED, group__in=visible
        )
        .select_related("group", "invited_by")
        .order_by("-created_at")[:limit]
    )


def viewer_membership(viewer: Viewer, group: Group) -> Membership | None:
    """The viewer's own membership row (any state), to choose the buttons on the page."""
    return membership_of(viewer, group)


def break_glass_notices(viewer: Viewer, group: Group) -> list[BreakGlassAccess]:
    """Recent break-glass openings of this group, for its owners and network admins:
    who opened it, when, until when, and why."""
    if not can_manage_group(viewer, group):
        return []
    since = timezone.now() - timedelta(days=BREAK_GLASS_NOTICE_DAYS)
    return list(
        BreakGlassAccess.objects.filter(group=group, created_at__gte=since)
        .select_related("admin")
        .order_by("-created_at")[:20]
    )


def group_files(
    viewer: Viewer, group: Group, *, cursor: str | None = None, limit: int = DEFAULT_PAGE_SIZE
) -> Page:
    """Files on the group's live posts that the viewer may download, newest first."""
    from hallway.posts.access import attachments_visible_to

    limit = _limit(limit)
    files = attachments_visible_to(viewer).filter(post__group=group, post__deleted_at__isnull=True)
    if cursor:
        (pk,) = _decode(cursor, int)
        files = files.filter(pk__lt=pk)
    rows = list(files.select_related("uploader", "post").order_by("-pk")[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _encode(rows[-1].pk)
    return Page(results=rows, next_cursor=next_cursor)


def network_settings() -> NetworkSettings:
    return NetworkSettings.load()


def announcement_leaders(viewer: Viewer) -> list[User]:
    return list(
        people_visible_to(viewer)
        .filter(pk__in=NetworkSettings.load().announcement_leaders.values("pk"))
        .order_by("name", "pk")
    )


def active_members_by_email(viewer: Viewer, emails: list[str]) -> tuple[list[User], list[str]]:
    """Active host-company members with these emails, for a network admin; and the emails
    that match nobody such."""
    if not viewer.is_network_admin or not emails:
        return [], list(emails)
    found = {
        user.email.lower(): user
        for user in users_visible_to_admin(viewer).filter(
            email__in=emails, is_active=True, kind=User.Kind.MEMBER
        )
    }
    return [found[email] for email in emails if email in found], [
        email for email in emails if email not in found
    ]
