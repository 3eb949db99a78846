"""Notification text, rendered when read (or sent) from the current objects (ADR 0005).

Nothing of a post's content is stored with a notification. Content of ``confidential`` or
``restricted`` groups never appears in an excerpt; in an email, not even the group's name
or the post's title appears.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator

from hallway.groups.models import Group
from hallway.notifications.models import Kind, Notification

EXCERPT_CHARS = 160
SENSITIVE = frozenset({Group.Sensitivity.CONFIDENTIAL, Group.Sensitivity.RESTRICTED})


@dataclass
class Rendered:
    notification: Notification
    text: str
    excerpt: str
    url: str
    sensitive: bool

    @property
    def pk(self) -> int:
        return self.notification.pk

    @property
    def kind(self) -> str:
        return self.notification.kind

    @property
    def is_read(self) -> bool:
        return self.notification.is_read


def _group_of(notification: Notification) -> Group | None:
    if notification.group is not None:
        return notification.group
    if notification.post is not None:
        return notification.post.group
    return None


def is_sensitive(notification: Notification) -> bool:
    group = _group_of(notification)
    return group is not None and group.sensitivity in SENSITIVE


def _excerpt_of(html: str) -> str:
    text = " ".join(strip_tags(html).split())
    return Truncator(text).chars(EXCERPT_CHARS)


def _url(notification: Notification) -> str:
    if notification.post_id is not None:
        url = reverse("post_detail", args=[notification.post_id])
        if notification.comment_id is not None:
            url += f"#comment-{notification.comment_id}"
        return url
    group = notification.group
    if group is not None:
        if notification.kind == Kind.JOIN_REQUEST:
            return reverse("group_requests", args=[group.slug])
        return reverse("group_detail", args=[group.slug])
    if notification.person_id is not None:
        return reverse("person_detail", args=[notification.person_id])
    return reverse("notification_list")


def _sentence(notification: Notification, *, where: str, group_name: str) -> str:
    actor = notification.actor.name if notification.actor is not None else "Someone"
    on_comment = notification.comment_id is not None
    match notification.kind:
        case Kind.MENTION:
            return f"{actor} mentioned you in a {'comment' if on_comment else 'post'}{where}"
        case Kind.REPLY:
            comment = notification.comment
            if comment is not None and comment.parent_id is not None:
                return f"{actor} replied to a comment{where}"
            return f"{actor} commented on your post{where}"
        case Kind.ANSWER:
            return f"{actor} answered your question{where}"
        case Kind.ACCEPTED_ANSWER:
            return f"{actor} accepted your answer{where}"
        case Kind.REACTION:
            others = notification.actor_count - 1
            who = actor if others < 1 else f"{actor} and {others} other{'s' if others > 1 else ''}"
            return f"{who} reacted to your {'comment' if on_comment else 'post'}{where}"
        case Kind.GROUP_POST:
            return f"{actor} posted{where}"
        case Kind.PRAISE:
            return f"{actor} praised you{where}"
        case Kind.NEW_FOLLOWER:
            return f"{actor} started following you"
        case Kind.GROUP_INVITATION:
            return f"{actor} invited you to join {group_name}"
        case Kind.JOIN_REQUEST:
            return f"{actor} asked to join {group_name}"
        case Kind.JOIN_REQUEST_DECIDED:
            return f"Your request to join {group_name} was {notification.detail or 'answered'}"
        case Kind.ANNOUNCEMENT:
            return f"{actor} posted an announcement{where}"
        case Kind.POST_OUTDATED:
            return f"{actor} marked a post you follow as outdated{where}"
    return f"{actor} did something"


def render_notification(notification: Notification, *, for_email: bool = False) -> Rendered:
    """The sentence, excerpt and link of one notification (its relations loaded)."""
    sensitive = is_sensitive(notification)
    post_group = notification.post.group if notification.post is not None else None
    hide_names = for_email and sensitive
    where = ""
    if post_group is not None:
        where = " in a confidential group" if hide_names else f" in {post_group.name}"
    group_name = notification.group.name if notification.group is not None else ""
    if hide_names:
        group_name = "a confidential group"
    excerpt = ""
    if not sensitive:
        if notification.comment is not None:
            excerpt = _excerpt_of(notification.comment.body_html)
        elif notification.post is not None:
            post = notification.post
            excerpt = post.title or _excerpt_of(post.body_html)
    return Rendered(
        notification=notification,
        text=_sentence(notification, where=where, group_name=group_name),
        excerpt=excerpt,
        url=_url(notification),
        sensitive=sensitive,
    )
