"""Reads for the notification pages and API, through ``notifications_visible_to``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from hallway.core.cursors import BadCursor, decode_cursor, encode_cursor
from hallway.core.permissions import Viewer
from hallway.groups.access import groups_visible_to
from hallway.groups.models import Group, Membership
from hallway.notifications.access import notifications_visible_to
from hallway.notifications.models import (
    DEFAULT_DIGEST_FREQUENCY,
    Channel,
    DigestFrequency,
    DigestSetting,
    GroupNotificationSetting,
    Kind,
    Notification,
    ThreadMute,
)
from hallway.notifications.preferences import kind_channels
from hallway.notifications.render import Rendered, render_notification
from hallway.posts.access import posts_visible_to

RELATIONS = ("actor", "post__group", "comment", "group", "person")


@dataclass
class NotificationPage:
    results: list[Rendered]
    next_cursor: str | None


def _after(queryset: QuerySet[Notification], cursor: str) -> QuerySet[Notification]:
    stamp, pk = decode_cursor(cursor, str, int)
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError as exc:
        raise BadCursor("Invalid cursor.") from exc
    return queryset.filter(Q(updated_at__lt=moment) | Q(updated_at=moment, pk__lt=pk))


def notification_page(
    viewer: Viewer,
    *,
    kind: str | None = None,
    unread_only: bool = False,
    cursor: str | None = None,
    limit: int = 20,
) -> NotificationPage:
    """Newest (or latest bumped) first; one query for the page whatever its length."""
    queryset = notifications_visible_to(viewer)
    if kind:
        queryset = queryset.filter(kind=kind)
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    if cursor:
        queryset = _after(queryset, cursor)
    rows = list(queryset.select_related(*RELATIONS).order_by("-updated_at", "-pk")[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor(last.updated_at.isoformat(), last.pk)
    return NotificationPage(results=[render_notification(n) for n in rows], next_cursor=next_cursor)


def digest_candidates(viewer: Viewer) -> QuerySet[Notification]:
    """Notifications meant for the digest, still unread and not yet in a digest, that the
    person may still see (for the digest builder, which checks again at send time)."""
    return (
        notifications_visible_to(viewer)
        .filter(channel=Channel.DIGEST, read_at__isnull=True, digested_at__isnull=True)
        .select_related(*RELATIONS)
        .order_by("-updated_at", "-pk")
    )


@dataclass
class GroupRow:
    group: Group
    channel: str  # "" = follow my per-kind choices
    follow_closely: bool


@dataclass
class Preferences:
    kinds: dict[str, str]
    groups: list[GroupRow]
    muted_posts: list[Any]
    digest: str = DEFAULT_DIGEST_FREQUENCY  # daily | weekly | off


def preferences_of(viewer: Viewer) -> Preferences:
    """Per-kind channels, the person's groups (channel, follow closely) and muted threads."""
    assert viewer.user is not None
    user = viewer.user
    memberships = {
        m.group_id: m for m in Membership.objects.filter(user=user, state=Membership.State.ACTIVE)
    }
    settings = dict(
        GroupNotificationSetting.objects.filter(user=user).values_list("group_id", "channel")
    )
    groups = groups_visible_to(viewer).filter(pk__in=list(memberships)).order_by("name")
    rows = [
        GroupRow(
            group=group,
            channel=settings.get(group.pk, ""),
            follow_closely=memberships[group.pk].follow_closely,
        )
        for group in groups
    ]
    muted_ids = ThreadMute.objects.filter(user=user).values("post_id")
    muted = list(posts_visible_to(viewer).filter(pk__in=muted_ids).order_by("-pk")[:200])
    digest = DigestSetting.objects.filter(user=user).values_list("frequency", flat=True)
    return Preferences(
        kinds=kind_channels(user.pk),
        groups=rows,
        muted_posts=muted,
        digest=next(iter(digest), DEFAULT_DIGEST_FREQUENCY),
    )


KIND_CHOICES = Kind.choices
CHANNEL_CHOICES = Channel.choices
DIGEST_CHOICES = DigestFrequency.choices
