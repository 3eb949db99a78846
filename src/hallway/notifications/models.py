"""Notifications, their delivery preferences, and thread mutes (ADR 0005).

A notification stores only ids (who, what kind, which post, comment, group or person); its
text is rendered when it is read, from the current objects, through the permission layer.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Kind(models.TextChoices):
    MENTION = "mention", "Mentions of me"
    REPLY = "reply", "Comments on my posts and replies to my comments"
    REACTION = "reaction", "Reactions to my posts and comments"
    GROUP_POST = "group_post", "New posts in groups I follow closely"
    ANSWER = "answer", "Answers to my questions"
    ACCEPTED_ANSWER = "accepted_answer", "My answer accepted"
    PRAISE = "praise", "Praise for me"
    NEW_FOLLOWER = "new_follower", "New followers"
    GROUP_INVITATION = "group_invitation", "Invitations to groups"
    JOIN_REQUEST = "join_request", "Requests to join groups I manage"
    JOIN_REQUEST_DECIDED = "join_request_decided", "Answers to my requests to join"
    ANNOUNCEMENT = "announcement", "Announcements"
    POST_OUTDATED = "post_outdated", "Posts I follow marked outdated"


class Channel(models.TextChoices):
    IN_APP = "in_app", "In Hallway only"
    EMAIL = "email", "In Hallway and by email at once"
    DIGEST = "digest", "In Hallway and in my digest"
    OFF = "off", "Off"


# Defaults that avoid overload: only what is addressed to me personally is emailed.
DEFAULT_CHANNELS: dict[str, str] = dict.fromkeys(Kind.values, str(Channel.IN_APP)) | {
    Kind.MENTION: Channel.EMAIL,
    Kind.REPLY: Channel.EMAIL,
}
NEVER_EMAILED = frozenset({Kind.REACTION})


class Notification(models.Model):
    """Something that happened for one person. Reactions are batched: one unread
    notification per post (or comment), bumped as more people react."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.IN_APP)
    # The latest person who caused it, and how many different people did (reactions).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    actor_count = models.PositiveIntegerField(default=1)
    post = models.ForeignKey(
        "posts.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        "posts.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A short machine word, never content: "approved" / "declined" for join decisions.
    detail = models.CharField(max_length=16, blank=True)
    # One notification per event and recipient, so a retried task creates nothing twice.
    event_key = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "event_key"],
                condition=~Q(event_key=""),
                name="notification_once_per_event",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-updated_at", "-id"], name="notification_list"),
            models.Index(
                fields=["recipient", "-updated_at", "-id"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationActor(models.Model):
    """The distinct people behind a batched notification ("Ana and 4 others")."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "user"], name="notification_actor_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.notification_id}"


class NotificationPreference(models.Model):
    """How one person wants one kind of notification; no row means the default."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_once")
        ]
        indexes = [models.Index(fields=["kind", "channel"], name="notification_pref_kind")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} → {self.channel}"


class GroupNotificationSetting(models.Model):
    """One person's channel for everything that happens in one group; ``off`` mutes it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey("groups.Group", on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "group"], name="group_notification_once")
        ]
        indexes = [models.Index(fields=["group", "user"], name="group_notification_group")]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.group_id} → {self.channel}"


class ThreadMute(models.Model):
    """No more notifications about one post and its comments (mentions still arrive)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="thread_mute_once")]
        indexes = [models.Index(fields=["post", "user"], name="thread_mute_post")]

    def __str__(self) -> str:
        return f"{self.user_id} muted {self.post_id}"


class DigestFrequency(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly (Mondays)"
    OFF = "off", "Off"


DEFAULT_DIGEST_FREQUENCY = DigestFrequency.WEEKLY


class DigestSetting(models.Model):
    """One person's email digest: how often (no row: weekly) and where it stands.

    ``scheduled_period`` / ``sent_period`` are period keys (``d2026-11-27``, ``w2026-W48``):
    the scheduler skips people already queued or served for the current period;
    ``last_sent_at`` is when the last non-empty digest went out ("since the last digest").
    Exactly-once sending rests on the per-person effect key, not on these columns.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    frequency = models.CharField(
        max_length=8, choices=DigestFrequency.choices, default=DEFAULT_DIGEST_FREQUENCY
    )
    scheduled_period = models.CharField(max_length=16, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    sent_period = models.CharField(max_length=16, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.frequency} digest"
