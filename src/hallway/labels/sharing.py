"""Share a post into a group (issue 6, part 1): a new post in the target group that links the
original, quoting its text only when the target's label is the same or stricter (ADR 0014).

Readers of the share who cannot read the original follow the link to a 404, as for any post
they may not read; the quote never carries text into a less protected place.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from hallway.accounts.models import User
from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import Viewer, viewer_for
from hallway.groups.access import groups_visible_to
from hallway.groups.models import Group
from hallway.labels.rules import rank
from hallway.posts.access import can_post_to
from hallway.posts.models import Post

MAX_COMMENT = 2000
QUOTE_CHARS = 1500


def source_sensitivity(post: Post) -> str:
    """The label a post's text carries: its group's; ``internal`` for the network stream and
    company internal sides (every member, no guest)."""
    if post.group is not None:
        return post.group.sensitivity
    return "internal"


def may_quote(post: Post, group: Group) -> bool:
    return rank(group.sensitivity) >= rank(source_sensitivity(post))


def share_targets(viewer: Viewer) -> QuerySet[Group]:
    """Groups this viewer may post in (active member, not archived), by name."""
    return (
        groups_visible_to(viewer)
        .filter(pk__in=list(viewer.active_memberships), archived_at__isnull=True)
        .order_by("name")
    )


def _quote(post: Post) -> str:
    text = (post.title + "\n\n" if post.title else "") + post.body
    if len(text) > QUOTE_CHARS:
        text = text[:QUOTE_CHARS].rstrip() + " …"
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def do_share_post(*, actor: User, post: Post, group: Group, comment: str = "") -> Post:
    """Post into ``group`` a link to ``post`` (both resolved through the permission layer),
    with the actor's comment, and the original text quoted when the label rule allows. The
    new post passes the content policy like any other; the share is audited."""
    from django.db import transaction

    from hallway.posts.actions import do_create_post

    viewer = viewer_for(actor)
    if not can_post_to(viewer, group=group):
        raise PermissionDenied("Only active members can post in this group.")
    if post.group_id == group.pk:
        raise ActionError("This post is already in that group.", field="group_id")
    comment = (comment or "").replace("\x00", "").strip()
    if len(comment) > MAX_COMMENT:
        raise ActionError(f"Keep the comment under {MAX_COMMENT} characters.", field="comment")
    quoted = may_quote(post, group)
    link = reverse("post_detail", args=[post.pk])
    parts = [comment] if comment else []
    if quoted:
        parts += [_quote(post), f"[Shared from a post by {post.author.name}]({link})"]
    else:
        parts.append(
            f"[Shared a post]({link}) — its text stays in its {source_sensitivity(post)} "
            "place: the network's label rules keep it out of a less protected group."
        )
    with transaction.atomic():
        shared = do_create_post(author=actor, body="\n\n".join(parts), group=group)
        record_audit_event(
            actor=actor,
            action="post.share",
            target=shared,
            source_post_id=post.pk,
            source_sensitivity=source_sensitivity(post),
            target_sensitivity=group.sensitivity,
            quoted=quoted,
        )
    return shared
