"""Permission layer for notifications (DESIGN §5, ADR 0005).

A notification is only a pointer: whether its recipient may still see what it points to is
decided when it is read, in the same SQL as the list, by the same querysets every other read
path uses. A post deleted, a group left or turned secret, a follower deactivated: the
notification is neither shown nor counted.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from hallway.core.errors import NotFound
from hallway.core.permissions import Viewer
from hallway.groups.access import groups_visible_to
from hallway.notifications.models import Notification
from hallway.posts.access import comments_visible_to, posts_visible_to
from hallway.profiles.access import people_visible_to

UNREAD_CAP = 99


def notifications_visible_to(viewer: Viewer) -> QuerySet[Notification]:
    """The viewer's own notifications whose post, comment, group and person they may see."""
    if viewer.user is None or not viewer.labels:
        return Notification.objects.none()
    visible_post = Exists(posts_visible_to(viewer).filter(pk=OuterRef("post_id")))
    visible_comment = Exists(comments_visible_to(viewer).filter(pk=OuterRef("comment_id")))
    visible_group = Exists(groups_visible_to(viewer).filter(pk=OuterRef("group_id")))
    visible_person = Exists(people_visible_to(viewer).filter(pk=OuterRef("person_id")))
    return Notification.objects.filter(
        Q(post__isnull=True) | visible_post,
        Q(comment__isnull=True) | visible_comment,
        Q(group__isnull=True) | visible_group,
        Q(person__isnull=True) | visible_person,
        recipient_id=viewer.user_id,
    )


def access_notification_by_id(viewer: Viewer, notification_id: int) -> Notification:
    """The viewer's notification, or NotFound: someone else's, missing, or about something
    the viewer can no longer see."""
    notification = (
        notifications_visible_to(viewer)
        .select_related("post__group", "comment", "group", "actor", "person")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        raise NotFound
    return notification


def unread_count(viewer: Viewer) -> int:
    """Unread notifications the viewer may see, counted up to ``UNREAD_CAP`` + 1 (one query)."""
    unread = notifications_visible_to(viewer).filter(read_at__isnull=True)
    return unread.order_by()[: UNREAD_CAP + 1].count()
