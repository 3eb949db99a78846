"""What a delivery carries, decided at delivery time through the permission layer.

The payload is built for the hook's *owner* (``viewer_for(owner)``, fresh at each attempt):
an object the owner may not read now — hidden, deleted, moved, or the owner deactivated —
is not delivered at all (``None``). A group's hook carries only that group's events and only
while its owner still manages the group; a network-wide hook only while its owner is a
network admin. Titles and body text from confidential and restricted groups are left out
unless a network admin allowed them for this hook (``include_confidential_body``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from hallway.accounts.models import User
from hallway.core.errors import NotFound
from hallway.core.permissions import Viewer, viewer_for
from hallway.groups.access import can_manage_group, can_see_group_members, groups_visible_to
from hallway.groups.models import Group
from hallway.posts.access import comments_visible_to, posts_visible_to
from hallway.posts.models import Comment, Post
from hallway.profiles.access import access_person_by_id
from hallway.webhooks.models import Webhook

SENSITIVE = {Group.Sensitivity.CONFIDENTIAL, Group.Sensitivity.RESTRICTED}


def _url(name: str, *args: Any) -> str:
    return settings.HALLWAY_BASE_URL + reverse(name, args=args)


def _person(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "name": user.name,
        "kind": user.kind,
        "url": _url("person_detail", user.pk),
    }


def _group(group: Group) -> dict[str, Any]:
    return {
        "id": group.pk,
        "name": group.name,
        "slug": group.slug,
        "sensitivity": group.sensitivity,
        "url": _url("group_detail", group.slug),
    }


def _omits_text(hook: Webhook, group: Group | None) -> bool:
    return (
        group is not None and group.sensitivity in SENSITIVE and not hook.include_confidential_body
    )


def _post(hook: Webhook, post: Post) -> dict[str, Any]:
    omitted = _omits_text(hook, post.group)
    return {
        "id": post.pk,
        "kind": post.kind,
        "url": _url("post_detail", post.pk),
        "title": None if omitted else post.title,
        "body": None if omitted else post.body,
        "text_omitted": omitted,
        "created_at": post.created_at.isoformat(),
        "author": _person(post.author),
        "group": _group(post.group) if post.group is not None else None,
        "company": (
            {"id": post.company.pk, "name": post.company.name} if post.company is not None else None
        ),
    }


def _comment(hook: Webhook, comment: Comment, post: Post) -> dict[str, Any]:
    omitted = _omits_text(hook, post.group)
    return {
        "id": comment.pk,
        "url": f"{_url('post_detail', post.pk)}#comment-{comment.pk}",
        "body": None if omitted else comment.body,
        "text_omitted": omitted,
        "created_at": comment.created_at.isoformat(),
        "author": _person(comment.author),
    }


def hook_may_send(hook: Webhook, viewer: Viewer) -> bool:
    """The owner still holds the role that let them create the hook."""
    if viewer.user is None or not viewer.is_member:
        return False
    if hook.group_id is None:
        return viewer.is_network_admin
    group = groups_visible_to(viewer).filter(pk=hook.group_id).first()
    return group is not None and can_manage_group(viewer, group)


def _in_scope(hook: Webhook, group_id: int | None) -> bool:
    return hook.group_id is None or hook.group_id == group_id


def _visible_post(viewer: Viewer, post_id: Any) -> Post | None:
    return (
        posts_visible_to(viewer)
        .select_related("author", "group", "company")
        .filter(pk=post_id)
        .first()
    )


def _visible_comment(viewer: Viewer, comment_id: Any) -> Comment | None:
    return comments_visible_to(viewer).select_related("author").filter(pk=comment_id).first()


def event_data(hook: Webhook, viewer: Viewer, event: str, ids: dict[str, Any]) -> dict | None:
    """The ``data`` of an event as the hook's owner may see it, or None (not delivered)."""
    if event in {"post.created", "question.answered", "answer.accepted"}:
        post = _visible_post(viewer, ids.get("post_id"))
        if post is None or not _in_scope(hook, post.group_id):
            return None
        if event == "post.created":
            return {"post": _post(hook, post)}
        comment = _visible_comment(viewer, ids.get("comment_id"))
        if comment is None or comment.post_id != post.pk:
            return None
        if event == "question.answered":
            return {"question": _post(hook, post), "answer": _comment(hook, comment, post)}
        if post.accepted_answer_id != comment.pk:
            return None  # accepted, then changed before delivery
        accepted_by = _accepted_by(viewer, ids.get("actor_id"))
        return {
            "question": _post(hook, post),
            "answer": _comment(hook, comment, post),
            "accepted_by": accepted_by,
        }
    if event in {"member.joined", "member.left"}:
        group = groups_visible_to(viewer).filter(pk=int(ids.get("group_id") or 0)).first()
        if group is None or not _in_scope(hook, group.pk):
            return None
        if not can_see_group_members(viewer, group):
            return None
        person = _visible_person(viewer, ids.get("user_id"))
        if person is None:
            return None
        return {"group": _group(group), "person": _person(person)}
    if event in {"person.created", "person.deactivated"}:
        if hook.group_id is not None:
            return None
        person = _visible_person(viewer, ids.get("user_id"))
        return None if person is None else {"person": _person(person)}
    return None


def _visible_person(viewer: Viewer, user_id: Any) -> User | None:
    try:
        return access_person_by_id(viewer, int(user_id))
    except (NotFound, TypeError, ValueError):
        return None


def _accepted_by(viewer: Viewer, user_id: Any) -> dict[str, Any] | None:
    person = _visible_person(viewer, user_id) if user_id else None
    return _person(person) if person is not None else None


def build_payload(
    hook: Webhook, *, event: str, ids: dict[str, Any], delivery_id: str, occurred_at: datetime
) -> dict[str, Any] | None:
    """The whole JSON document of one delivery, or None when nothing may be sent."""
    owner = User.objects.filter(pk=hook.owner_id).first()
    viewer = viewer_for(owner)
    if not hook_may_send(hook, viewer) or event not in hook.events:
        return None
    data = event_data(hook, viewer, event, ids)
    if data is None:
        return None
    return {
        "id": delivery_id,
        "event": event,
        "occurred_at": occurred_at.isoformat(),
        "hook": {"id": hook.pk, "name": hook.name},
        "data": data,
    }
