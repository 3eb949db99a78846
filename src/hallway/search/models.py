"""The search index: one row per searchable post, question, comment or file (ADR 0009).

A document is derived data: it copies the source's permission label (``audience``) so the
text match and ``audience IN viewer.labels`` run in one SQL statement, and it is rebuilt
from the source at any time (``hallway reindex``). The full-text index lives beside it:
an FTS5 table on SQLite, a generated ``tsvector`` column with a GIN index on PostgreSQL
(migration ``0002``). People, groups, topics and companies are searched in their own tables
through their permission layer (small tables; see the ADR).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        POST = "post", "Post"
        QUESTION = "question", "Question"
        COMMENT = "comment", "Comment"
        FILE = "file", "File"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    # Copied from the source; follows relabels in the same transaction (search.sync).
    audience = models.CharField(max_length=64)
    # The post a comment or file belongs to (a post's own id for posts and questions).
    post_id = models.BigIntegerField(null=True)
    # Plain ids, not foreign keys: the index is derived data and never blocks a delete.
    group_id = models.BigIntegerField(null=True)
    company_id = models.BigIntegerField(null=True)
    author_id = models.BigIntegerField(null=True)
    title = models.CharField(max_length=255, blank=True)
    # Accent-folded, lower-cased text the full-text index reads.
    search_title = models.TextField(blank=True, default="")
    search_body = models.TextField(blank=True, default="")
    created_at = models.DateTimeField()
    engagement = models.PositiveIntegerField(default=0)
    answered = models.BooleanField(null=True)
    # Freshness (search.freshness): a moderator's mark, and the last activity on the content.
    # Nullable so the columns are added in place (the FTS triggers stay).
    mark = models.CharField(max_length=10, null=True, blank=True)
    active_at = models.DateTimeField(null=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchdoc_one_per_object")
        ]
        indexes = [
            models.Index(fields=["audience", "-id"], name="searchdoc_audience_id"),
            models.Index(fields=["group_id", "audience"], name="searchdoc_group"),
            models.Index(fields=["post_id"], name="searchdoc_post"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"


class FreshnessMark(models.Model):
    """A moderator's word on a post or an answer: official (ranked up in search) or outdated
    (ranked down, with an optional link to the newer post). One per post or comment."""

    class State(models.TextChoices):
        OFFICIAL = "official", "Official"
        OUTDATED = "outdated", "Outdated"

    post = models.OneToOneField(
        "posts.Post", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.OneToOneField(
        "posts.Comment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices)
    newer_post = models.ForeignKey(
        "posts.Post", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False, comment__isnull=True)
                | models.Q(post__isnull=True, comment__isnull=False),
                name="freshness_one_target",
            )
        ]

    def __str__(self) -> str:
        target = f"post {self.post_id}" if self.post_id else f"comment {self.comment_id}"
        return f"{target}: {self.state}"


class Dismissal(models.Model):
    """A suggestion (a person, group or topic) someone does not want to see again."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        GROUP = "group", "Group"
        TOPIC = "topic", "Topic"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "object_id"], name="dismissal_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} dismissed {self.kind} {self.object_id}"
