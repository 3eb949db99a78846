"""Who is told what, when something happens (ADR 0005). Runs in the task worker.

Each event resolves its candidates, keeps those who may see the target (through the
permission layer: ``people_who_can_read`` for content, ``groups_visible_to`` /
``people_visible_to`` for groups and people), never the actor, applies each person's
channel, and writes the notifications in bulk. ``event_key`` makes a rerun write nothing
twice; emails are queued once per notification.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from hallway.accounts.models import User
from hallway.core.events import publish_to_users
from hallway.core.permissions import viewer_for
from hallway.core.tasks import enqueue
from hallway.groups.access import groups_visible_to, people_who_can_read
from hallway.groups.models import Group, Membership
from hallway.notifications.models import Channel, Kind, Notification, NotificationActor
from hallway.notifications.preferences import resolver_for
from hallway.posts.models import Comment, Post, Reaction
from hallway.profiles.access import people_visible_to

logger = logging.getLogger(__name__)
BATCH = 1000


def publish_unread(user_ids: Iterable[int]) -> None:
    """Tell the recipients' open pages that their unread count changed (ids only)."""
    ids = sorted(set(user_ids))
    if ids:
        publish_to_users(ids, "unread", {})


def _readers(audience: str, candidates: Iterable[int] | None = None) -> set[int]:
    """Active people who may read content with this label (all, or among ``candidates``)."""
    readers = people_who_can_read(audience)
    if candidates is not None:
        wanted = set(candidates)
        if not wanted:
            return set()
        readers = readers.filter(pk__in=wanted)
    return set(readers.values_list("pk", flat=True))


def _sees_group(user_id: int, group: Group) -> bool:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return user is not None and groups_visible_to(viewer_for(user)).filter(pk=group.pk).exists()


def deliver(
    *,
    kind: str,
    recipient_ids: Iterable[int],
    actor_id: int | None,
    event_key: str,
    post: Post | None = None,
    comment: Comment | None = None,
    group: Group | None = None,
    person_id: int | None = None,
    detail: str = "",
) -> list[int]:
    """Write one notification per recipient (never the actor) whose channel is not ``off``.
    Returns the recipients. Callers have checked that each recipient may see the target."""
    ids = [pk for pk in dict.fromkeys(recipient_ids) if pk != actor_id]
    if not ids:
        return []
    group_id = group.pk if group is not None else (post.group_id if post is not None else None)
    resolver = resolver_for(
        kind=kind, group_id=group_id, post_id=post.pk if post else None, user_ids=ids
    )
    now = timezone.now()
    rows = []
    for pk in ids:
        channel = resolver.channel_for(pk)
        if channel == Channel.OFF:
            continue
        rows.append(
            Notification(
                recipient_id=pk,
                kind=kind,
                channel=channel,
                actor_id=actor_id,
                post=post,
                comment=comment,
                group=group,
                person_id=person_id,
                detail=detail,
                event_key=event_key,
                created_at=now,
                updated_at=now,
            )
        )
    for start in range(0, len(rows), BATCH):
        Notification.objects.bulk_create(rows[start : start + BATCH], ignore_conflicts=True)
    emailed = [row.recipient_id for row in rows if row.channel == Channel.EMAIL]
    if emailed:
        from hallway.notifications.tasks import send_notification_email

        pending = Notification.objects.filter(
            event_key=event_key, recipient_id__in=emailed, emailed_at__isnull=True
        ).values_list("pk", flat=True)
        for notification_id in pending:
            enqueue(
                send_notification_email,
                idempotency_key=f"notification-email:{notification_id}",
                notification_id=notification_id,
            )
    recipients = [row.recipient_id for row in rows]
    publish_unread(recipients)
    return recipients


# --- events -----------------------------------------------------------------------------------
def on_post_published(*, post_id: int, actor_id: int) -> None:
    """Mentions, praise, announcements and "new post in a group I follow closely"."""
    post = Post.objects.select_related("group").filter(pk=post_id, deleted_at=None).first()
    if post is None:
        return
    told: set[int] = {actor_id}
    praised = set(post.praised.values_list("pk", flat=True))
    if praised:
        told |= set(
            deliver(
                kind=Kind.PRAISE,
                recipient_ids=_readers(post.audience, praised - told),
                actor_id=actor_id,
                event_key=f"praise:post:{post.pk}",
                post=post,
            )
        )
        told |= praised
    mentioned = set(post.mentions.values_list("pk", flat=True)) - told
    told |= set(
        deliver(
            kind=Kind.MENTION,
            recipient_ids=_readers(post.audience, mentioned),
            actor_id=actor_id,
            event_key=f"mention:post:{post.pk}",
            post=post,
        )
    )
    if post.kind == Post.Kind.ANNOUNCEMENT:
        told |= set(
            deliver(
                kind=Kind.ANNOUNCEMENT,
                recipient_ids=sorted(_readers(post.audience) - told),
                actor_id=actor_id,
                event_key=f"announcement:post:{post.pk}",
                post=post,
            )
        )
    if post.group is not None:
        close = set(
            Membership.objects.filter(
                group=post.group, state=Membership.State.ACTIVE, follow_closely=True
            ).values_list("user_id", flat=True)
        )
        deliver(
            kind=Kind.GROUP_POST,
            recipient_ids=sorted(_readers(post.audience, close - told)),
            actor_id=actor_id,
            event_key=f"group_post:post:{post.pk}",
            post=post,
            group=post.group,
        )


def on_post_edited(*, post_id: int, actor_id: int) -> None:
    """People newly mentioned in an edit (the event key keeps earlier ones from a repeat)."""
    post = Post.objects.filter(pk=post_id, deleted_at=None).first()
    if post is None:
        return
    mentioned = set(post.mentions.values_list("pk", flat=True)) - set(
        post.praised.values_list("pk", flat=True)
    )
    deliver(
        kind=Kind.MENTION,
        recipient_ids=_readers(post.audience, mentioned),
        actor_id=actor_id,
        event_key=f"mention:post:{post.pk}",
        post=post,
    )


def on_comment_created(*, comment_id: int, actor_id: int) -> None:
    """Mentions, then the answer to a question, then replies; one notification a person."""
    comment = (
        Comment.objects.select_related("post", "parent")
        .filter(pk=comment_id, deleted_at=None, post__deleted_at=None)
        .first()
    )
    if comment is None:
        return
    post = comment.post
    candidates: dict[int, str] = {}
    for pk in comment.mentions.values_list("pk", flat=True):
        candidates.setdefault(pk, Kind.MENTION)
    if post.kind == Post.Kind.QUESTION and comment.parent_id is None:
        candidates.setdefault(post.author_id, Kind.ANSWER)
    if comment.parent is not None:
        candidates.setdefault(comment.parent.author_id, Kind.REPLY)
    candidates.setdefault(post.author_id, Kind.REPLY)
    readers = _readers(comment.audience, candidates)
    for kind in (Kind.MENTION, Kind.ANSWER, Kind.REPLY):
        deliver(
            kind=kind,
            recipient_ids=sorted(pk for pk, k in candidates.items() if k == kind and pk in readers),
            actor_id=actor_id,
            event_key=f"{kind}:comment:{comment.pk}",
            post=post,
            comment=comment,
        )


def on_comment_edited(*, comment_id: int, actor_id: int) -> None:
    comment = (
        Comment.objects.select_related("post")
        .filter(pk=comment_id, deleted_at=None, post__deleted_at=None)
        .first()
    )
    if comment is None:
        return
    mentioned = set(comment.mentions.values_list("pk", flat=True))
    deliver(
        kind=Kind.MENTION,
        recipient_ids=_readers(comment.audience, mentioned),
        actor_id=actor_id,
        event_key=f"mention:comment:{comment.pk}",
        post=comment.post,
        comment=comment,
    )


def on_reaction(
    *, actor_id: int, post_id: int | None = None, comment_id: int | None = None
) -> None:
    """Batch reactions: one unread notification per post (or comment), bumped by each new
    person who reacts; a new one once the previous was read."""
    comment = None
    if comment_id is not None:
        comment = (
            Comment.objects.select_related("post")
            .filter(pk=comment_id, deleted_at=None, post__deleted_at=None)
            .first()
        )
        post = comment.post if comment is not None else None
    else:
        post = Post.objects.filter(pk=post_id or 0, deleted_at=None).first()
    if post is None:
        return
    target = comment if comment is not None else post
    author_id = target.author_id
    if author_id == actor_id or not _readers(target.audience, [author_id]):
        return
    channel = resolver_for(
        kind=Kind.REACTION, group_id=post.group_id, post_id=post.pk, user_ids=[author_id]
    ).channel_for(author_id)
    if channel == Channel.OFF:
        return
    now = timezone.now()
    with transaction.atomic():
        batch = (
            Notification.objects.select_for_update()
            .filter(
                recipient_id=author_id,
                kind=Kind.REACTION,
                post=post,
                comment=comment,
                read_at__isnull=True,
            )
            .order_by("-pk")
            .first()
        )
        if batch is None:
            batch = Notification.objects.create(
                recipient_id=author_id,
                kind=Kind.REACTION,
                channel=channel,
                actor_id=actor_id,
                post=post,
                comment=comment,
                created_at=now,
                updated_at=now,
            )
            NotificationActor.objects.create(notification=batch, user_id=actor_id)
        else:
            try:
                with transaction.atomic():
                    NotificationActor.objects.create(notification=batch, user_id=actor_id)
            except IntegrityError:  # this person reacted already (another kind, or a rerun)
                return
            Notification.objects.filter(pk=batch.pk).update(
                actor_id=actor_id, actor_count=F("actor_count") + 1, updated_at=now
            )
    publish_unread([author_id])


def on_answer_accepted(*, comment_id: int, actor_id: int) -> None:
    comment = (
        Comment.objects.select_related("post")
        .filter(pk=comment_id, deleted_at=None, post__deleted_at=None)
        .first()
    )
    if comment is None or comment.post.accepted_answer_id != comment.pk:
        return
    deliver(
        kind=Kind.ACCEPTED_ANSWER,
        recipient_ids=_readers(comment.audience, [comment.author_id]),
        actor_id=actor_id,
        event_key=f"accepted_answer:comment:{comment.pk}",
        post=comment.post,
        comment=comment,
    )


def on_post_outdated(*, post_id: int, actor_id: int) -> None:
    """A moderator marked a post outdated: its author, commenters and reactors who may
    still read it are told (search.freshness)."""
    post = Post.objects.filter(pk=post_id, deleted_at=None).first()
    if post is None:
        return
    followers = {post.author_id}
    followers |= set(
        Comment.objects.filter(post=post, deleted_at=None).values_list("author_id", flat=True)
    )
    followers |= set(Reaction.objects.filter(post=post).values_list("user_id", flat=True))
    deliver(
        kind=Kind.POST_OUTDATED,
        recipient_ids=sorted(_readers(post.audience, followers)),
        actor_id=actor_id,
        event_key=f"post_outdated:post:{post.pk}",
        post=post,
    )


def on_followed(*, person_id: int, actor_id: int) -> None:
    """A new follower, if the person followed may see them (guests see few people)."""
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None or not people_visible_to(viewer_for(person)).filter(pk=actor_id).exists():
        return
    deliver(
        kind=Kind.NEW_FOLLOWER,
        recipient_ids=[person_id],
        actor_id=actor_id,
        event_key=f"new_follower:user:{actor_id}",
        person_id=actor_id,
    )


def on_group_invitation(*, group_id: int, user_id: int, actor_id: int, stamp: str) -> None:
    group = Group.objects.filter(pk=group_id).first()
    if group is None or not _sees_group(user_id, group):
        return
    deliver(
        kind=Kind.GROUP_INVITATION,
        recipient_ids=[user_id],
        actor_id=actor_id,
        event_key=f"group_invitation:{group_id}:{stamp}",
        group=group,
    )


def on_join_request(*, group_id: int, actor_id: int, stamp: str) -> None:
    """To the group's active owners and moderators."""
    group = Group.objects.filter(pk=group_id).first()
    if group is None:
        return
    moderators = Membership.objects.filter(
        group=group,
        state=Membership.State.ACTIVE,
        role__in=[Membership.Role.OWNER, Membership.Role.MODERATOR],
        user__is_active=True,
    ).values_list("user_id", flat=True)
    deliver(
        kind=Kind.JOIN_REQUEST,
        recipient_ids=[pk for pk in moderators if _sees_group(pk, group)],
        actor_id=actor_id,
        event_key=f"join_request:{group_id}:{actor_id}:{stamp}",
        group=group,
        person_id=actor_id,
    )


def on_join_request_decided(
    *, group_id: int, user_id: int, actor_id: int, approved: bool, stamp: str
) -> None:
    group = Group.objects.filter(pk=group_id).first()
    if group is None or not _sees_group(user_id, group):
        return
    deliver(
        kind=Kind.JOIN_REQUEST_DECIDED,
        recipient_ids=[user_id],
        actor_id=actor_id,
        event_key=f"join_request_decided:{group_id}:{user_id}:{stamp}",
        group=group,
        detail="approved" if approved else "declined",
    )


EVENTS = {
    "post_published": on_post_published,
    "post_edited": on_post_edited,
    "comment_created": on_comment_created,
    "comment_edited": on_comment_edited,
    "reaction": on_reaction,
    "answer_accepted": on_answer_accepted,
    "post_outdated": on_post_outdated,
    "followed": on_followed,
    "group_invitation": on_group_invitation,
    "join_request": on_join_request,
    "join_request_decided": on_join_request_decided,
}
