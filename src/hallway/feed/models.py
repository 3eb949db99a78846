from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class FeedEntry(models.Model):
    """A post in a person's home feed, materialised on write (DESIGN §5a).

    Rows are only a candidate list: reads still filter the post's audience by the viewer's
    labels, so access removed (left a group, deactivated) disappears on the next request.
    """

    class Reason(models.TextChoices):
        OWN = "own", "You posted"
        PERSON = "person", "Someone you follow"
        GROUP = "group", "A group you are in"
        TOPIC = "topic", "A topic you follow"
        COMPANY = "company", "A company you follow"
        ANNOUNCEMENT = "announcement", "Announcement"
        MENTION = "mention", "You were mentioned"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=12, choices=Reason.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="feed_entry_once")]
        indexes = [models.Index(fields=["user", "-post"], name="feed_user_post")]

    def __str__(self) -> str:
        return f"{self.post_id} for {self.user_id}"


class Mute(models.Model):
    """Hide a person's, a group's or a topic's posts from my home feed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    topic = models.ForeignKey(
        "profiles.Topic", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(person__isnull=False, group__isnull=True, topic__isnull=True)
                    | Q(person__isnull=True, group__isnull=False, topic__isnull=True)
                    | Q(person__isnull=True, group__isnull=True, topic__isnull=False)
                ),
                name="mute_exactly_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "person"],
                condition=Q(person__isnull=False),
                name="mute_person_once",
            ),
            models.UniqueConstraint(
                fields=["user", "group"], condition=Q(group__isnull=False), name="mute_group_once"
            ),
            models.UniqueConstraint(
                fields=["user", "topic"], condition=Q(topic__isnull=False), name="mute_topic_once"
            ),
        ]

    def __str__(self) -> str:
        return f"mute by {self.user_id}"
