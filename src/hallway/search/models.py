"""The search index: one row per searchable post, question, comment or file (ADR 0009).

A document is derived data: it copies the source's permission label (``audience``) so the
text match and ``audience IN viewer.labels`` run in one SQL statement, and it is rebuilt
from the source at any time (``hallway reindex``). The full-text index lives beside it:
an FTS5 table on SQLite, a generated ``tsvector`` column with a GIN index on PostgreSQL
(migration ``0002``). People, groups, topics and companies are searched in their own tables
through their permission layer (small tables; see the ADR).
"""

from __future__ import annotations

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
