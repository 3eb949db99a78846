"""Reports of posts and comments, and the notices that tell people what moderation did
(ADR 0014). A report never reaches the reported person with the reporter's name."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Report(models.Model):
    """One person's report of a post or a comment (then ``post`` is the comment's post)."""

    class Reason(models.TextChoices):
        SPAM = "spam", "Spam or advertising"
        HARASSMENT = "harassment", "Harassment or hate"
        CONFIDENTIAL = "confidential", "Confidential information shared too widely"
        INAPPROPRIATE = "inappropriate", "Inappropriate or offensive"
        MISINFORMATION = "misinformation", "False or misleading"
        OTHER = "other", "Something else"

    class State(models.TextChoices):
        OPEN = "open", "Open"
        HIDDEN = "hidden", "Hidden"
        RESTORED = "restored", "Restored"
        DELETED = "deleted", "Deleted"
        WARNED = "warned", "Author warned"
        DISMISSED = "dismissed", "No action"

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        "posts.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    details = models.TextField(max_length=1000, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(max_length=1000, blank=True)
    # What hiding relabelled, so a restore gives back exactly that (ADR 0014).
    hidden_ids = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["state", "-id"], name="report_state"),
            models.Index(fields=["group", "state", "-id"], name="report_group_state"),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} ({self.reason}, {self.state})"

    @property
    def is_about_comment(self) -> bool:
        return self.comment_id is not None


class Notice(models.Model):
    """What moderation tells a person: the outcome of their report, or what happened to
    their content. Never names who reported it."""

    class Kind(models.TextChoices):
        REPORT_DECIDED = "report_decided", "Your report was reviewed"
        CONTENT_HIDDEN = "content_hidden", "Your content was hidden"
        CONTENT_RESTORED = "content_restored", "Your content was restored"
        CONTENT_DELETED = "content_deleted", "Your content was removed"
        WARNING = "warning", "A moderator's warning"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(max_length=2000)
    post = models.ForeignKey(
        "posts.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "-id"], name="notice_recipient")]

    def __str__(self) -> str:
        return f"Notice {self.pk} ({self.kind})"
