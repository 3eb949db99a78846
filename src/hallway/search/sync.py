"""Keeping the search index in step with posts, comments and files (ADR 0009).

- New and edited text is indexed **after commit** by a task (``schedule_post`` and
  ``schedule_comment``, called from posts.actions): the task reads the source's current
  state, so it is idempotent and a late or repeated run is harmless.
- Changes that take access away are applied **inside the writer's transaction**
  (``remove_post``, ``remove_comments``, ``relabel_group``): the index never holds a label
  its source has lost, not even for the moment a task would take.
- ``rebuild_index`` rebuilds everything in batches (``hallway reindex``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from hallway.core.tasks import enqueue, task
from hallway.posts.models import Attachment, Comment, Post
from hallway.profiles.actions import fold_accents
from hallway.search.backends import get_backend
from hallway.search.models import FreshnessMark, SearchDocument

logger = logging.getLogger(__name__)

MAX_INDEXED_TEXT = 20000
BATCH = 2000
# Labels a live document may carry; held content (``user:<id>``) is indexed too, so its
# author finds it, and deleted content is never indexed.
DELETED = "deleted"


def folded(text: str) -> str:
    return fold_accents(text or "").lower()[:MAX_INDEXED_TEXT]


# --- documents from sources --------------------------------------------------------------------
def post_document(post: Post, mark: str | None = None) -> SearchDocument:
    question = post.kind == Post.Kind.QUESTION
    return SearchDocument(
        kind=SearchDocument.Kind.QUESTION if question else SearchDocument.Kind.POST,
        object_id=post.pk,
        audience=post.audience,
        post_id=post.pk,
        group_id=post.group_id,
        company_id=post.company_id,
        author_id=post.author_id,
        title=(post.title or "")[:255],
        search_title=folded(post.title),
        search_body=folded(post.body),
        created_at=post.created_at,
        engagement=post.comment_count + post.reaction_count,
        answered=(post.accepted_answer_id is not None) if question else None,
        mark=mark,
        active_at=max(post.last_activity_at or post.created_at, post.edited_at or post.created_at),
    )


def comment_document(comment: Comment, post: Post, mark: str | None = None) -> SearchDocument:
    return SearchDocument(
        kind=SearchDocument.Kind.COMMENT,
        object_id=comment.pk,
        audience=comment.audience,
        post_id=post.pk,
        group_id=post.group_id,
        company_id=post.company_id,
        author_id=comment.author_id,
        title="",
        search_title="",
        search_body=folded(comment.body),
        created_at=comment.created_at,
        engagement=comment.reaction_count,
        mark=mark,
        active_at=comment.edited_at or comment.created_at,
    )


def file_document(attachment: Attachment, post: Post) -> SearchDocument:
    return SearchDocument(
        kind=SearchDocument.Kind.FILE,
        object_id=attachment.pk,
        audience=attachment.audience,
        post_id=post.pk,
        group_id=post.group_id,
        company_id=post.company_id,
        author_id=attachment.uploader_id,
        title=attachment.name[:255],
        # "q3-pricing_v2.pdf" is found by "pricing" too.
        search_title=folded(attachment.name.replace("_", " ").replace(".", " ").replace("-", " ")),
        search_body="",
        created_at=attachment.created_at,
    )


# --- after commit ------------------------------------------------------------------------------
def schedule_post(post_id: int) -> None:
    """Index (or re-index) a post, its comments' context and its files after commit."""
    enqueue(index_post, post_id=post_id)


def schedule_comment(comment_id: int) -> None:
    enqueue(index_comment, comment_id=comment_id)


@task
def index_post(*, post_id: int) -> None:
    """Bring the post's document and its files' documents in line with the post."""
    post = Post.objects.filter(pk=post_id).first()
    backend = get_backend()
    if post is None or post.deleted_at is not None or post.audience == DELETED:
        remove_post(post_id)
        return
    documents = [post_document(post, _marks("post", [post.pk]).get(post.pk))]
    files = Attachment.objects.filter(Q(post=post) | Q(comment__post=post)).exclude(
        audience__in=["", DELETED]
    )
    documents += [file_document(attachment, post) for attachment in files]
    backend.index(documents)


@task
def index_comment(*, comment_id: int) -> None:
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    backend = get_backend()
    if comment is None or comment.deleted_at is not None or comment.post.deleted_at is not None:
        backend.delete(kinds=[SearchDocument.Kind.COMMENT], object_ids=[comment_id])
        return
    mark = _marks("comment", [comment.pk]).get(comment.pk)
    backend.index([comment_document(comment, comment.post, mark)])
    # The post's engagement changed with it.
    index_post(post_id=comment.post_id)


def _marks(kind: str, ids: Sequence[int]) -> dict[int, str]:
    """Freshness marks (official/outdated) of these posts or comments, by id."""
    column = f"{kind}_id"
    rows = FreshnessMark.objects.filter(**{f"{column}__in": list(ids)}).values_list(column, "state")
    return dict(rows)


# --- inside the writer's transaction -----------------------------------------------------------
def remove_post(post_id: int) -> None:
    """A deleted post leaves the index with its comments and files, now."""
    SearchDocument.objects.filter(post_id=post_id).delete()


def remove_comments(comment_ids: Sequence[int]) -> None:
    backend = get_backend()
    backend.delete(kinds=[SearchDocument.Kind.COMMENT], object_ids=list(comment_ids))
    file_ids = list(
        Attachment.objects.filter(comment_id__in=comment_ids).values_list("pk", flat=True)
    )
    backend.delete(kinds=[SearchDocument.Kind.FILE], object_ids=file_ids)


def relabel_group(*, group_id: int, old_label: str, new_label: str) -> None:
    """The group's content changed label (posts.actions.relabel_group_content)."""
    if old_label != new_label:
        get_backend().relabel(group_id=group_id, old_label=old_label, new_label=new_label)


# --- rebuilding --------------------------------------------------------------------------------
def rebuild_index(*, batch: int = BATCH, progress: Callable[[str, int], None] | None = None) -> int:
    """Rebuild the whole index from the sources, in id-ordered batches; returns documents.

    Empties the index first (one statement), then inserts posts, comments and files batch by
    batch, each batch in its own transaction, so the web keeps serving meanwhile (results are
    incomplete until the rebuild ends)."""
    SearchDocument.objects.all().delete()
    total = 0
    live_posts = Post.objects.filter(deleted_at__isnull=True).exclude(audience=DELETED)
    total += _in_batches(
        live_posts.order_by("pk"),
        lambda rows: _with_marks("post", rows, post_document),
        batch,
        "posts",
        progress,
    )
    comments = (
        Comment.objects.filter(deleted_at__isnull=True, post__deleted_at__isnull=True)
        .exclude(audience=DELETED)
        .select_related("post")
        .order_by("pk")
    )
    total += _in_batches(
        comments,
        lambda rows: [
            comment_document(comment, comment.post, mark)
            for comment, mark in _paired("comment", rows)
        ],
        batch,
        "comments",
        progress,
    )
    files = (
        Attachment.objects.exclude(audience__in=["", DELETED])
        .filter(Q(post__isnull=False) | Q(comment__isnull=False))
        .select_related("post", "comment__post")
        .order_by("pk")
    )
    total += _in_batches(
        files,
        lambda rows: [
            file_document(attachment, attachment.post or attachment.comment.post)
            for attachment in rows
        ],
        batch,
        "files",
        progress,
    )
    return total


def _paired(kind: str, rows: list[Any]) -> list[tuple[Any, str | None]]:
    marks = _marks(kind, [row.pk for row in rows]) if rows else {}
    return [(row, marks.get(row.pk)) for row in rows]


def _with_marks(
    kind: str, rows: list[Any], build: Callable[[Any, str | None], SearchDocument]
) -> list[SearchDocument]:
    return [build(row, mark) for row, mark in _paired(kind, rows)]


def _in_batches(
    queryset: QuerySet[Any],
    build: Callable[[list[Any]], list[SearchDocument]],
    batch: int,
    name: str,
    progress: Callable[[str, int], None] | None,
) -> int:
    done = 0
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last)[:batch])
        if not rows:
            return done
        with transaction.atomic():
            SearchDocument.objects.bulk_create(build(rows), batch_size=500)
        done += len(rows)
        last = rows[-1].pk
        if progress is not None:
            progress(name, done)
