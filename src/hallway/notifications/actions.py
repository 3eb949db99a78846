"""Writes for notifications: mark read, preferences, group and thread mutes, unsubscribe."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from hallway.accounts.models import User
from hallway.core.errors import ActionError
from hallway.core.permissions import Viewer
from hallway.groups.models import Group, Membership
from hallway.notifications.delivery import publish_unread
from hallway.notifications.emails import DIGEST_KIND, read_unsubscribe_token
from hallway.notifications.models import (
    DEFAULT_CHANNELS,
    NEVER_EMAILED,
    Channel,
    DigestFrequency,
    DigestSetting,
    GroupNotificationSetting,
    Kind,
    Notification,
    NotificationPreference,
    ThreadMute,
)
from hallway.posts.models import Post


def do_mark_read(*, viewer: Viewer, notification: Notification) -> Notification:
    """Mark one of the viewer's notifications (from ``access_notification_by_id``) read."""
    if notification.read_at is None and notification.recipient_id == viewer.user_id:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
        publish_unread([notification.recipient_id])
    return notification


def do_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of this person read; returns how many."""
    marked = Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if marked:
        publish_unread([user.pk])
    return marked


def _check_channel(kind: str, channel: str) -> None:
    if kind not in Kind.values:
        raise ActionError(f"Unknown notification kind: {kind}.", field="kinds")
    if channel not in Channel.values:
        raise ActionError("Choose in_app, email, digest or off.", field="kinds")
    if channel == Channel.EMAIL and kind in NEVER_EMAILED:
        raise ActionError("Reactions are never sent by email.", field="kinds")


def do_set_kind_channels(*, user: User, channels: Mapping[str, str]) -> dict[str, str]:
    """Set the channel of some kinds; a kind set to its default loses its row."""
    for kind, channel in channels.items():
        _check_channel(kind, channel)
    with transaction.atomic():
        for kind, channel in channels.items():
            if channel == DEFAULT_CHANNELS[kind]:
                NotificationPreference.objects.filter(user=user, kind=kind).delete()
            else:
                NotificationPreference.objects.update_or_create(
                    user=user, kind=kind, defaults={"channel": channel}
                )
    return dict(channels)


def do_set_group_notifications(
    *,
    user: User,
    group: Group,
    channel: str | None = None,
    follow_closely: bool | None = None,
) -> None:
    """A group's channel for this person ("" resets it to the per-kind choices, ``off``
    mutes the group), and whether to hear of every new post there (active members only).
    Callers resolve the group through the permission layer."""
    membership = Membership.objects.filter(
        group=group, user=user, state=Membership.State.ACTIVE
    ).first()
    if membership is None:
        raise ActionError("You are not a member of this group.", field="group_id", status=404)
    if channel not in (None, "") and channel not in Channel.values:
        raise ActionError("Choose in_app, email, digest or off.", field="channel")
    with transaction.atomic():
        if channel == "":
            GroupNotificationSetting.objects.filter(user=user, group=group).delete()
        elif channel is not None:
            GroupNotificationSetting.objects.update_or_create(
                user=user, group=group, defaults={"channel": channel}
            )
        if follow_closely is not None and follow_closely != membership.follow_closely:
            membership.follow_closely = follow_closely
            membership.save(update_fields=["follow_closely"])


def do_mute_thread(*, user: User, post: Post) -> None:
    """No more notifications about this post (resolved through the permission layer)."""
    try:
        with transaction.atomic():
            ThreadMute.objects.get_or_create(user=user, post=post)
    except IntegrityError:  # muted twice at once
        pass


def do_unmute_thread(*, user: User, post: Post) -> None:
    ThreadMute.objects.filter(user=user, post=post).delete()


def do_unsubscribe(*, token: str) -> tuple[User, str]:
    """One-click unsubscribe from one kind's emails (RFC 8058): that kind stays in Hallway
    only; the ``digest`` token turns the email digest off. Raises ActionError for a tampered
    token or a person who no longer exists."""
    decoded = read_unsubscribe_token(token)
    user = User.objects.filter(pk=decoded[0]).first() if decoded is not None else None
    if decoded is None or user is None:
        raise ActionError("This unsubscribe link is not valid.", status=404)
    kind = decoded[1]
    if kind == DIGEST_KIND:
        do_set_digest_frequency(user=user, frequency=DigestFrequency.OFF)
        return user, kind
    with transaction.atomic():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"channel": Channel.IN_APP}
        )
    return user, kind


def do_set_digest_frequency(*, user: User, frequency: str) -> str:
    """Daily, weekly (the default) or no email digest. The digest's state (when it was last
    sent) is kept, so switching back does not resend what was in the last one."""
    if frequency not in DigestFrequency.values:
        raise ActionError("Choose daily, weekly or off.", field="digest")
    DigestSetting.objects.update_or_create(user=user, defaults={"frequency": frequency})
    return frequency
