"""Notifications (``/notifications``): the list, marking read, the unread count and
preferences. Everything is the caller's own; another person's notification answers 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hallway.api.auth import api_viewer
from hallway.api.pagination import PageParams
from hallway.api.schemas import Id, PersonRef, responses
from hallway.api.serializers import person_ref
from hallway.groups.access import access_group_by_id
from hallway.notifications.access import UNREAD_CAP, access_notification_by_id, unread_count
from hallway.notifications.actions import (
    do_mark_all_read,
    do_mark_read,
    do_mute_thread,
    do_set_digest_frequency,
    do_set_group_notifications,
    do_set_kind_channels,
    do_unmute_thread,
)
from hallway.notifications.render import Rendered
from hallway.notifications.selectors import notification_page, preferences_of
from hallway.posts.access import access_post_by_id

router = Router(tags=["notifications"])

KindName = Literal[
    "mention",
    "reply",
    "reaction",
    "group_post",
    "answer",
    "accepted_answer",
    "praise",
    "new_follower",
    "group_invitation",
    "join_request",
    "join_request_decided",
    "announcement",
    "post_outdated",
]
ChannelName = Literal["in_app", "email", "digest", "off"]
DigestName = Literal["daily", "weekly", "off"]


class NotificationOut(Schema):
    id: int
    kind: KindName
    text: str = Field(description="Rendered when read, from what the caller may see now.")
    excerpt: str = Field(
        description="A short excerpt; empty for confidential and restricted groups."
    )
    url: str = Field(description="The page it is about (a path on this site).")
    read: bool
    actor: PersonRef | None
    actor_count: int = Field(description="Distinct people behind it (batched reactions).")
    post_id: int | None
    comment_id: int | None
    group_id: int | None
    created_at: datetime
    updated_at: datetime = Field(description="When it was last bumped (batched reactions).")


class NotificationPageOut(Schema):
    results: list[NotificationOut]
    next: str | None


class NotificationParams(PageParams):
    unread: bool = Field(False, description="Only unread notifications.")
    kind: KindName | None = Field(None, description="Only this kind.")


class UnreadCountOut(Schema):
    count: int = Field(description=f"Unread notifications, at most {UNREAD_CAP + 1}.")
    capped: bool = Field(description=f"True when there are more than {UNREAD_CAP}.")


class ReadAllOut(Schema):
    marked: int


class GroupPreferenceOut(Schema):
    group_id: int
    name: str
    channel: ChannelName | None = Field(description="null: as chosen per kind.")
    follow_closely: bool


class PreferencesOut(Schema):
    kinds: dict[KindName, ChannelName]
    groups: list[GroupPreferenceOut]
    muted_post_ids: list[int]
    digest: DigestName = Field(
        description="The email digest: daily, weekly (Mondays; the default) or off."
    )


class GroupPreferenceIn(Schema):
    group_id: Id
    channel: ChannelName | None = Field(
        None, description='Omit to keep; null or "" is not accepted: use `reset`.'
    )
    reset: bool = Field(False, description="Follow the per-kind choices again.")
    follow_closely: bool | None = None


class ThreadIn(Schema):
    post_id: Id
    muted: bool


class PreferencesIn(Schema):
    kinds: dict[KindName, ChannelName] = Field(default_factory=dict)
    groups: list[GroupPreferenceIn] = Field(default_factory=list, max_length=500)
    threads: list[ThreadIn] = Field(default_factory=list, max_length=500)
    digest: DigestName | None = Field(None, description="Omit to keep.")


def notification_json(item: Rendered) -> dict[str, Any]:
    n = item.notification
    return {
        "id": n.pk,
        "kind": n.kind,
        "text": item.text,
        "excerpt": item.excerpt,
        "url": item.url,
        "read": n.is_read,
        "actor": person_ref(n.actor) if n.actor is not None else None,
        "actor_count": n.actor_count,
        "post_id": n.post_id,
        "comment_id": n.comment_id,
        "group_id": n.group_id,
        "created_at": n.created_at,
        "updated_at": n.updated_at,
    }


@router.get(
    "/notifications", response=responses({200: NotificationPageOut}), summary="My notifications"
)
def list_notifications(request: HttpRequest, params: Query[NotificationParams]) -> dict[str, Any]:
    """Latest first. Notifications about things the caller can no longer see are left out."""
    page = notification_page(
        api_viewer(request),
        kind=params.kind,
        unread_only=params.unread,
        cursor=params.cursor,
        limit=params.limit,
    )
    return {"results": [notification_json(item) for item in page.results], "next": page.next_cursor}


@router.get(
    "/notifications/unread-count",
    response=responses({200: UnreadCountOut}),
    summary="Unread count",
)
def get_unread_count(request: HttpRequest) -> dict[str, Any]:
    count = unread_count(api_viewer(request))
    return {"count": count, "capped": count > UNREAD_CAP}


@router.post(
    "/notifications/read-all", response=responses({200: ReadAllOut}), summary="Mark all read"
)
def read_all(request: HttpRequest) -> dict[str, Any]:
    viewer = api_viewer(request)
    assert viewer.user is not None
    return {"marked": do_mark_all_read(user=viewer.user)}


@router.post(
    "/notifications/{notification_id}/read",
    response=responses({204: None}),
    summary="Mark one read",
)
def read_one(request: HttpRequest, notification_id: Id) -> Status[None]:
    viewer = api_viewer(request)
    do_mark_read(viewer=viewer, notification=access_notification_by_id(viewer, notification_id))
    return Status(204, None)


def _preferences_json(request: HttpRequest) -> dict[str, Any]:
    prefs = preferences_of(api_viewer(request))
    return {
        "kinds": prefs.kinds,
        "groups": [
            {
                "group_id": row.group.pk,
                "name": row.group.name,
                "channel": row.channel or None,
                "follow_closely": row.follow_closely,
            }
            for row in prefs.groups
        ],
        "muted_post_ids": [post.pk for post in prefs.muted_posts],
        "digest": prefs.digest,
    }


@router.get(
    "/notifications/preferences",
    response=responses({200: PreferencesOut}),
    summary="My notification preferences",
)
def get_preferences(request: HttpRequest) -> dict[str, Any]:
    """Per kind (in_app, email, digest, off), per group (a channel replacing the per-kind
    choices, `off` mutes it; and follow closely: every new post), muted threads, and the
    email digest (daily, weekly or off)."""
    return _preferences_json(request)


@router.put(
    "/notifications/preferences",
    response=responses({200: PreferencesOut}),
    summary="Change notification preferences",
)
def put_preferences(request: HttpRequest, payload: PreferencesIn) -> dict[str, Any]:
    """Only what is given changes. Groups and posts are resolved through the permission
    layer (hidden: 404); reactions cannot be emailed (400)."""
    viewer = api_viewer(request)
    assert viewer.user is not None
    groups = [(access_group_by_id(viewer, row.group_id), row) for row in payload.groups]
    posts = [(access_post_by_id(viewer, row.post_id), row.muted) for row in payload.threads]
    do_set_kind_channels(
        user=viewer.user, channels={str(k): str(v) for k, v in payload.kinds.items()}
    )
    if payload.digest is not None:
        do_set_digest_frequency(user=viewer.user, frequency=payload.digest)
    for group, row in groups:
        do_set_group_notifications(
            user=viewer.user,
            group=group,
            channel="" if row.reset else row.channel,
            follow_closely=row.follow_closely,
        )
    for post, muted in posts:
        if muted:
            do_mute_thread(user=viewer.user, post=post)
        else:
            do_unmute_thread(user=viewer.user, post=post)
    return _preferences_json(request)
