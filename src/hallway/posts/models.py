from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class LinkPreview(models.Model):
    """What a link shows: fetched once, server-side, with SSRF protection (posts/previews.py)."""

    url_hash = models.CharField(max_length=64, unique=True)
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=300, blank=True)
    description = models.CharField(max_length=1000, blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, default="pending")  # pending | ok | failed

    def __str__(self) -> str:
        return self.url


class Post(models.Model):
    """Something shared in a group, on the network stream, or on a company's internal side.

    ``audience`` is its permission label (DESIGN §5, ADR 0004): ``group:<id>``, or
    ``network`` (the stream, company internal sides, public groups without guests).
    Every list filters ``audience IN viewer.labels`` in SQL.
    """

    class Kind(models.TextChoices):
        UPDATE = "update", "Update"
        QUESTION = "question", "Question"
        ANNOUNCEMENT = "announcement", "Announcement"
        PRAISE = "praise", "Praise"
        POLL = "poll", "Poll"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    audience = models.CharField(max_length=64)
    group = models.ForeignKey(
        "groups.Group", on_delete=models.PROTECT, null=True, blank=True, related_name="posts"
    )
    company = models.ForeignKey(
        "companies.Company",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="internal_posts",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.UPDATE)
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=20000)
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pinned_until = models.DateTimeField(null=True, blank=True)
    accepted_answer = models.ForeignKey(
        "posts.Comment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment_count = models.PositiveIntegerField(default=0)
    reaction_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(auto_now_add=True)
    link_preview = models.ForeignKey(
        LinkPreview, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    topics = models.ManyToManyField(
        "profiles.Topic", through="PostTopic", blank=True, related_name="posts"
    )
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in"
    )
    praised = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="praised_in"
    )

    class Meta:
        indexes = [
            models.Index(fields=["audience", "-id"], name="post_audience_id"),
            models.Index(fields=["author", "-id"], name="post_author_id"),
            models.Index(fields=["group", "-id"], name="post_group_id"),
            models.Index(fields=["company", "-id"], name="post_company_id"),
            models.Index(
                fields=["kind", "-id"],
                condition=Q(kind="announcement"),
                name="post_announcement_id",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(group__isnull=True) | Q(company__isnull=True),
                name="post_one_container",
            ),
        ]

    def __str__(self) -> str:
        return f"post {self.pk} by {self.author_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostTopic(models.Model):
    """A #topic on a post, with the post's audience copied so topic feeds filter in one index."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey("profiles.Topic", on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "topic"], name="post_topic_once")]
        indexes = [models.Index(fields=["topic", "-post"], name="posttopic_topic_post")]

    def __str__(self) -> str:
        return f"{self.topic_id} on {self.post_id}"


class PostRevision(models.Model):
    """The text a post had before an edit."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"revision of {self.post_id}"


class Comment(models.Model):
    """A comment on a post, or a reply to a comment (one level: a reply's parent is a
    top-level comment). On a question, a comment is an answer."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    audience = models.CharField(max_length=64)
    body = models.TextField(max_length=10000)
    body_html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    reaction_count = models.PositiveIntegerField(default=0)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in_comments"
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["post", "id"], name="comment_post_id")]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.post_id}"


class Reaction(models.Model):
    """One person's reaction to a post or a comment."""

    class Kind(models.TextChoices):
        LIKE = "like", "Like"
        CELEBRATE = "celebrate", "Celebrate"
        INSIGHTFUL = "insightful", "Insightful"
        SUPPORT = "support", "Support"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="reactions"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reactions"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(post__isnull=False, comment__isnull=True))
                | Q(post__isnull=True, comment__isnull=False),
                name="reaction_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "post", "kind"],
                condition=Q(post__isnull=False),
                name="react_to_post_once_per_kind",
            ),
            models.UniqueConstraint(
                fields=["user", "comment", "kind"],
                condition=Q(comment__isnull=False),
                name="react_to_comment_once_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.user_id}"


class Poll(models.Model):
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="poll")
    allows_multiple = models.BooleanField(default=False)
    closes_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"poll on {self.post_id}"


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()
    vote_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.text


class PollVote(models.Model):
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["option", "user"], name="vote_once_per_option")
        ]

    def __str__(self) -> str:
        return f"vote by {self.user_id}"


class Attachment(models.Model):
    """A file on a post or comment. Downloads go through the permission layer; ``audience``
    is the post's label, copied when attached (empty while only its uploader may see it)."""

    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attachments"
    )
    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    audience = models.CharField(max_length=64, blank=True)
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    is_image = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["audience", "-id"], name="attachment_audience_id")]

    def __str__(self) -> str:
        return self.name
