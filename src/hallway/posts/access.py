"""Permission layer for posts, comments, reactions and attachments (DESIGN §5).

Every post, comment and attachment stores its audience label; a viewer reads exactly the
objects whose label is in ``viewer.labels``, in the same SQL as the rest of the query
(``__in_labels`` binds the label set as one parameter: see core/lookups.py).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hallway.companies.models import Company
from hallway.core.errors import NotFound
from hallway.core.permissions import NETWORK_LABEL, Viewer
from hallway.groups.access import can_moderate_group, can_post_in_group
from hallway.groups.models import Group
from hallway.labels.rules import guest_blocked_sensitivities
from hallway.posts.models import Attachment, Comment, Post


def audience_for(*, group: Group | None = None, company: Company | None = None) -> str:
    """The permission label of a container (ADR 0004): a group's label; ``network`` for the
    network stream and for a company's internal side, which every member reads and no guest
    does."""
    if group is not None:
        return group.label
    return NETWORK_LABEL


def posts_visible_to(viewer: Viewer) -> QuerySet[Post]:
    """Live posts this viewer may read: every list, feed and search starts here."""
    if not viewer.labels:
        return Post.objects.none()
    return Post.objects.filter(audience__in_labels=viewer.labels, deleted_at__isnull=True)


def access_post_by_id(viewer: Viewer, post_id: int) -> Post:
    """The post, or NotFound whether it is missing, deleted or hidden from this viewer."""
    post = (
        posts_visible_to(viewer)
        .select_related("author", "group", "company")
        .filter(pk=post_id)
        .first()
    )
    if post is None:
        raise NotFound
    return post


def comments_visible_to(viewer: Viewer) -> QuerySet[Comment]:
    if not viewer.labels:
        return Comment.objects.none()
    return Comment.objects.filter(
        audience__in_labels=viewer.labels, deleted_at__isnull=True, post__deleted_at__isnull=True
    )


def access_comment_by_id(viewer: Viewer, comment_id: int) -> Comment:
    comment = comments_visible_to(viewer).select_related("post").filter(pk=comment_id).first()
    if comment is None:
        raise NotFound
    return comment


def attachments_visible_to(viewer: Viewer) -> QuerySet[Attachment]:
    """Files this viewer may download: those of readable posts and comments, and their own
    uploads not yet attached (labelled ``user:<id>``); for guests, not those of groups whose
    label the network's label rules keep from guests (``hallway.labels``)."""
    if not viewer.labels:
        return Attachment.objects.none()
    files = Attachment.objects.filter(audience__in_labels=viewer.labels)
    blocked = guest_blocked_sensitivities(viewer)  # label rules (ADR 0014): guests only
    if blocked:
        files = files.exclude(
            Q(post__group__sensitivity__in=blocked)
            | Q(comment__post__group__sensitivity__in=blocked)
        )
    return files


def access_attachment_by_id(viewer: Viewer, attachment_id: int) -> Attachment:
    attachment = attachments_visible_to(viewer).filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound
    return attachment


def can_post_to(
    viewer: Viewer, *, group: Group | None = None, company: Company | None = None
) -> bool:
    """May this viewer publish in the container? The network stream and company internal
    sides are for members only; a group needs an active membership and not archived."""
    if viewer.user is None:
        return False
    if group is not None:
        return can_post_in_group(viewer, group)
    return viewer.is_member


def can_edit_post(viewer: Viewer, post: Post) -> bool:
    return viewer.user is not None and post.author_id == viewer.user_id and not post.is_deleted


def can_delete_post(viewer: Viewer, post: Post) -> bool:
    """The author; a moderator of the post's group; a network admin outside groups."""
    if viewer.user is None or post.is_deleted:
        return False
    if post.author_id == viewer.user_id:
        return True
    if post.group_id is not None:
        return can_moderate_group(viewer, post.group)  # type: ignore[arg-type]
    return viewer.is_network_admin


def can_comment_on_post(viewer: Viewer, post: Post) -> bool:
    if viewer.user is None or post.is_deleted:
        return False
    if post.group_id is not None:
        return can_post_in_group(viewer, post.group)  # type: ignore[arg-type]
    return viewer.is_member


def can_accept_answer(viewer: Viewer, post: Post) -> bool:
    """The asker or a moderator of the question's group."""
    if viewer.user is None or post.kind != Post.Kind.QUESTION:
        return False
    if post.author_id == viewer.user_id:
        return True
    return post.group_id is not None and can_moderate_group(viewer, post.group)  # type: ignore[arg-type]


def can_announce(viewer: Viewer) -> bool:
    """Network admins and the designated leaders may post announcements."""
    from hallway.groups.models import NetworkSettings

    if not viewer.is_member:
        return False
    if viewer.is_network_admin:
        return True
    return NetworkSettings.load().announcement_leaders.filter(pk=viewer.user_id).exists()


def can_edit_comment(viewer: Viewer, comment: Comment) -> bool:
    """The comment's author, while it and its post are live."""
    return (
        viewer.user is not None
        and comment.author_id == viewer.user_id
        and comment.deleted_at is None
    )


def can_delete_comment(viewer: Viewer, comment: Comment) -> bool:
    """The author; a moderator of the post's group; a network admin outside groups."""
    if viewer.user is None or comment.deleted_at is not None:
        return False
    if comment.author_id == viewer.user_id:
        return True
    post = comment.post
    if post.group_id is not None:
        return can_moderate_group(viewer, post.group)  # type: ignore[arg-type]
    return viewer.is_network_admin
