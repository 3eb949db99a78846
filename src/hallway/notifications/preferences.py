"""Which channel a notification takes: per kind, per group, per thread (ADR 0005).

- The person's per-kind channel (defaults in ``DEFAULT_CHANNELS``).
- A group's channel, when set, replaces it for everything about that group's content;
  ``off`` mutes the group.
- A muted thread (post) silences everything about that post.
- Mentions are addressed to one person: they still arrive in a muted group or thread.
- Reactions are never emailed.

Lookups are per event, not per recipient (all rows for one kind, group or post), so an
announcement to 10,000 people costs three queries here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hallway.notifications.models import (
    DEFAULT_CHANNELS,
    NEVER_EMAILED,
    Channel,
    GroupNotificationSetting,
    Kind,
    NotificationPreference,
    ThreadMute,
)


@dataclass
class ChannelResolver:
    """The channels of one event's recipients, from three bulk lookups."""

    kind: str
    by_kind: dict[int, str]
    by_group: dict[int, str] = field(default_factory=dict)
    muted_thread: set[int] = field(default_factory=set)

    def channel_for(self, user_id: int) -> str:
        channel = self.by_kind.get(user_id, DEFAULT_CHANNELS[self.kind])
        if self.kind != Kind.MENTION:
            if user_id in self.muted_thread:
                return Channel.OFF
            channel = self.by_group.get(user_id, channel)
        if channel == Channel.EMAIL and self.kind in NEVER_EMAILED:
            return Channel.IN_APP
        return channel


def resolver_for(
    *,
    kind: str,
    group_id: int | None = None,
    post_id: int | None = None,
    user_ids: Iterable[int] | None = None,
) -> ChannelResolver:
    """Load the preferences that matter for one event (optionally only for ``user_ids``)."""
    ids = list(user_ids) if user_ids is not None else None

    def only(queryset: Any) -> Any:
        return queryset.filter(user_id__in=ids) if ids is not None and len(ids) < 500 else queryset

    by_kind = dict(
        only(NotificationPreference.objects.filter(kind=kind)).values_list("user_id", "channel")
    )
    by_group: dict[int, str] = {}
    if group_id is not None:
        by_group = dict(
            only(GroupNotificationSetting.objects.filter(group_id=group_id)).values_list(
                "user_id", "channel"
            )
        )
    muted: set[int] = set()
    if post_id is not None:
        muted = set(
            only(ThreadMute.objects.filter(post_id=post_id)).values_list("user_id", flat=True)
        )
    return ChannelResolver(kind=kind, by_kind=by_kind, by_group=by_group, muted_thread=muted)


def channel_for(*, user_id: int, kind: str, group_id: int | None, post_id: int | None) -> str:
    """One person's channel for one notification (send-time re-check of emails)."""
    return resolver_for(
        kind=kind, group_id=group_id, post_id=post_id, user_ids=[user_id]
    ).channel_for(user_id)


def kind_channels(user_id: int) -> dict[str, str]:
    """Every kind's channel for one person (defaults filled in), for the preferences page."""
    stored = dict(
        NotificationPreference.objects.filter(user_id=user_id).values_list("kind", "channel")
    )
    return {kind: stored.get(kind, DEFAULT_CHANNELS[kind]) for kind in Kind.values}
