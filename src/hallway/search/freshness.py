"""Freshness: official and outdated marks, and stale content (issue 5, ADR 0009).

Moderators — a group's owners and moderators for its posts, network admins for posts
outside groups — mark a post or an answer (a comment) *official* or *outdated*, optionally
pointing an outdated post to the newer one. The mark lives in ``FreshnessMark`` (the source)
and is copied into the search index by the usual after-commit task; search ranks official
content up, outdated and stale content (no activity for ``HALLWAY_STALE_AFTER_DAYS``) down.
Marking a post outdated tells its followers (author, commenters, reactors) through
``hallway.notifications`` (``post_outdated``). Every change is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hallway.accounts.models import User
from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import Viewer, viewer_for
from hallway.groups.access import can_moderate_group
from hallway.notifications.triggers import notify
from hallway.posts.access import posts_visible_to
from hallway.posts.models import Comment, Post
from hallway.search import sync as search_sync
from hallway.search.models import FreshnessMark

OFFICIAL = FreshnessMark.State.OFFICIAL.value
OUTDATED = FreshnessMark.State.OUTDATED.value
STALE_AFTER_DAYS_DEFAULT = 365


def stale_after_days() -> int:
    return int(getattr(settings, "HALLWAY_STALE_AFTER_DAYS", STALE_AFTER_DAYS_DEFAULT))


def stale_before() -> datetime:
    """Content whose last activity is older than this is stale."""
    return timezone.now() - timedelta(days=stale_after_days())


def can_mark(viewer: Viewer, post: Post) -> bool:
    """Owners and moderators of the post's group; network admins for posts outside groups."""
    if viewer.user is None or not viewer.is_member or post.deleted_at is not None:
        return False
    if post.group_id is not None:
        return can_moderate_group(viewer, post.group)  # type: ignore[arg-type]
    return viewer.is_network_admin


def mark_of(*, post: Post | None = None, comment: Comment | None = None) -> FreshnessMark | None:
    if post is not None:
        return FreshnessMark.objects.filter(post=post).first()
    return FreshnessMark.objects.filter(comment=comment).first()


def post_marks(post_ids: Iterable[int]) -> dict[int, FreshnessMark]:
    """Marks of these posts, by post id (one query)."""
    ids = list(post_ids)
    if not ids:
        return {}
    return {mark.post_id: mark for mark in FreshnessMark.objects.filter(post_id__in=ids)}  # type: ignore[misc]


def comment_marks(comment_ids: Iterable[int]) -> dict[int, str]:
    ids = list(comment_ids)
    if not ids:
        return {}
    return dict(FreshnessMark.objects.filter(comment_id__in=ids).values_list("comment_id", "state"))


def newer_post_for(viewer: Viewer, mark: FreshnessMark | None) -> Post | None:
    """The newer post an outdated one points to, if this viewer may read it."""
    if mark is None or mark.newer_post_id is None:
        return None
    return posts_visible_to(viewer).filter(pk=mark.newer_post_id).first()


def _target(post: Post | None, comment: Comment | None) -> tuple[Post, Comment | None]:
    if (post is None) == (comment is None):
        raise ActionError("Mark either a post or a comment.")
    if comment is not None:
        if comment.deleted_at is not None:
            raise ActionError("This comment is deleted.", status=409)
        return comment.post, comment
    assert post is not None
    return post, None


def _check(actor: User, post: Post) -> Viewer:
    viewer = viewer_for(actor)
    if not can_mark(viewer, post):
        raise PermissionDenied(
            "Only the group's owners and moderators (or network admins outside groups) can "
            "mark content official or outdated."
        )
    return viewer


def _save(
    *,
    actor: User,
    post: Post,
    comment: Comment | None,
    state: str,
    newer_post: Post | None = None,
) -> FreshnessMark:
    target = comment if comment is not None else post
    lookup = {"comment": comment} if comment is not None else {"post": post}
    with transaction.atomic():
        mark, _ = FreshnessMark.objects.update_or_create(
            **lookup,
            defaults={"state": state, "newer_post": newer_post, "marked_by": actor},
        )
        record_audit_event(
            actor=actor,
            action=f"content.mark_{state}",
            target=target,
            newer_post_id=newer_post.pk if newer_post is not None else None,
        )
        _reindex(post, comment)
    return mark


def _reindex(post: Post, comment: Comment | None) -> None:
    if comment is not None:
        search_sync.schedule_comment(comment.pk)
    else:
        search_sync.schedule_post(post.pk)


def do_mark_official(
    *, actor: User, post: Post | None = None, comment: Comment | None = None
) -> FreshnessMark:
    """Mark a post or an answer official: search ranks it up."""
    parent, target_comment = _target(post, comment)
    _check(actor, parent)
    return _save(actor=actor, post=parent, comment=target_comment, state=OFFICIAL)


def do_mark_outdated(
    *,
    actor: User,
    post: Post | None = None,
    comment: Comment | None = None,
    newer_post: Post | None = None,
) -> FreshnessMark:
    """Mark a post or an answer outdated (ranked down), optionally pointing to the newer post,
    which the moderator must be able to read. A post's followers are told."""
    parent, target_comment = _target(post, comment)
    viewer = _check(actor, parent)
    if newer_post is not None:
        if newer_post.pk == parent.pk:
            raise ActionError("A post cannot replace itself.", field="newer_post_id")
        if not posts_visible_to(viewer).filter(pk=newer_post.pk).exists():
            raise ActionError("No such post.", field="newer_post_id")
    with transaction.atomic():
        mark = _save(
            actor=actor, post=parent, comment=target_comment, state=OUTDATED, newer_post=newer_post
        )
        if target_comment is None:
            notify("post_outdated", post_id=parent.pk, actor_id=actor.pk)
    return mark


def do_clear_mark(*, actor: User, post: Post | None = None, comment: Comment | None = None) -> None:
    """Remove an official or outdated mark (nothing happens when there is none)."""
    parent, target_comment = _target(post, comment)
    _check(actor, parent)
    target = target_comment if target_comment is not None else parent
    lookup = {"comment": target_comment} if target_comment is not None else {"post": parent}
    with transaction.atomic():
        deleted, _ = FreshnessMark.objects.filter(**lookup).delete()
        if deleted:
            record_audit_event(actor=actor, action="content.mark_cleared", target=target)
            _reindex(parent, target_comment)


def show_freshness(viewer: Viewer, post: Post, threads: Iterable[Any]) -> None:
    """Attach marks for the post page (at most three queries): ``post.freshness`` (the mark),
    ``post.newer_post`` (if readable) and each comment's
    ``freshness_state``. Lists of posts do not carry marks (search results do)."""
    mark = mark_of(post=post)
    post.freshness = mark  # type: ignore[attr-defined]
    post.newer_post = newer_post_for(viewer, mark)  # type: ignore[attr-defined]
    comments = [c for thread in threads for c in (thread.comment, *thread.replies)]
    states = comment_marks(c.pk for c in comments)
    for comment in comments:
        comment.freshness_state = states.get(comment.pk, "")
