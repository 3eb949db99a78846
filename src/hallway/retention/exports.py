"""Build export ZIPs: JSON files plus the uploaded files (ADR 0015).

- ``personal_sections``: what a person may take away about themselves (GDPR): their profile,
  their own live posts, comments and reactions, follows, memberships, notifications (ids
  only, never others' text) and the audit entries by or about them; files they uploaded.
- ``group_sections`` / ``person_sections``: the eDiscovery view of a group's or a person's
  content, deleted items included (marked), private and secret groups included.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable
from typing import IO, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet

from hallway.accounts.models import User
from hallway.core.models import AuditEvent
from hallway.core.permissions import viewer_for
from hallway.groups.models import Group, Membership
from hallway.notifications.access import notifications_visible_to
from hallway.posts.actions import DELETED_AUDIENCE
from hallway.posts.models import Attachment, Comment, Post, Reaction
from hallway.profiles.models import Follow, Profile

Sections = dict[str, Any]


def _post(post: Post) -> dict[str, Any]:
    return {
        "id": post.pk,
        "author_id": post.author_id,
        "group": {"id": post.group_id, "name": post.group.name} if post.group else None,
        "company_id": post.company_id,
        "kind": post.kind,
        "title": post.title,
        "body": post.body,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "deleted_at": post.deleted_at,
    }


def _comment(comment: Comment) -> dict[str, Any]:
    return {
        "id": comment.pk,
        "post_id": comment.post_id,
        "parent_id": comment.parent_id,
        "author_id": comment.author_id,
        "body": comment.body,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "deleted_at": comment.deleted_at,
    }


def _reaction(reaction: Reaction) -> dict[str, Any]:
    return {
        "user_id": reaction.user_id,
        "kind": reaction.kind,
        "post_id": reaction.post_id,
        "comment_id": reaction.comment_id,
        "created_at": reaction.created_at,
    }


def _file(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "post_id": attachment.post_id,
        "comment_id": attachment.comment_id,
        "created_at": attachment.created_at,
        "path": f"files/{attachment.pk}-{attachment.name}",
    }


def _profile(user: User) -> dict[str, Any]:
    profile = Profile.objects.filter(user=user).select_related("team", "location").first()
    data: dict[str, Any] = {
        "id": user.pk,
        "name": user.name,
        "email": user.email,
        "kind": user.kind,
        "company": user.company.name,
        "date_joined": user.date_joined,
        "deactivated_at": user.deactivated_at,
    }
    if profile is not None:
        data["profile"] = {
            "title": profile.title,
            "team": profile.team.name if profile.team else None,
            "location": profile.location.name if profile.location else None,
            "manager_id": profile.manager_id,
            "skills": sorted(profile.skills.values_list("name", flat=True)),
            "ask_me_about": profile.ask_me_about,
            "working_on": profile.working_on,
            "bio": profile.bio,
            "languages": profile.languages,
            "phone": profile.phone,
            "contact_email": profile.contact_email,
            "photo": profile.photo.name or None,
        }
    return data


def _audit(events: QuerySet[AuditEvent]) -> list[dict[str, Any]]:
    return [
        {
            "id": event.pk,
            "created_at": event.created_at,
            "actor_id": event.actor_id,
            "action": event.action,
            "target_type": event.target_type,
            "target_id": event.target_id,
            "ip_address": event.ip_address,
            "data": event.data,
        }
        for event in events.order_by("pk")
    ]


def personal_sections(user: User) -> tuple[Sections, list[Attachment]]:
    """A person's own data (GDPR access): nothing written by anyone else."""
    posts = Post.objects.filter(author=user, deleted_at__isnull=True).select_related("group")
    comments = Comment.objects.filter(
        author=user, deleted_at__isnull=True, post__deleted_at__isnull=True
    )
    files = list(
        Attachment.objects.filter(uploader=user).exclude(audience=DELETED_AUDIENCE).order_by("pk")
    )
    sections: Sections = {
        "profile": _profile(user),
        "posts": [_post(post) for post in posts.order_by("pk")],
        "comments": [_comment(comment) for comment in comments.order_by("pk")],
        "reactions": [
            _reaction(reaction) for reaction in Reaction.objects.filter(user=user).order_by("pk")
        ],
        "follows": [
            {
                "person_id": follow.person_id,
                "topic": follow.topic.name if follow.topic else None,
                "company_id": follow.company_id,
                "created_at": follow.created_at,
            }
            for follow in Follow.objects.filter(follower=user)
            .select_related("topic")
            .order_by("pk")
        ],
        "memberships": [
            {
                "group": {"id": membership.group_id, "name": membership.group.name},
                "role": membership.role,
                "state": membership.state,
                "created_at": membership.created_at,
                "joined_at": membership.joined_at,
            }
            for membership in Membership.objects.filter(user=user)
            .select_related("group")
            .order_by("pk")
        ],
        "notifications": [
            {
                "kind": note.kind,
                "channel": note.channel,
                "actor_id": note.actor_id,
                "post_id": note.post_id,
                "comment_id": note.comment_id,
                "group_id": note.group_id,
                "person_id": note.person_id,
                "created_at": note.created_at,
                "read_at": note.read_at,
            }
            # Through the permission layer: none about what the person can no longer read.
            for note in notifications_visible_to(viewer_for(user)).order_by("pk")
        ],
        "audit": _audit(
            AuditEvent.objects.filter(
                Q(actor=user) | Q(target_type="accounts.user", target_id=str(user.pk))
            )
        ),
        "files": [_file(attachment) for attachment in files],
    }
    return sections, files


def group_sections(group: Group) -> tuple[Sections, list[Attachment]]:
    """Everything in a group, deleted items included (eDiscovery)."""
    posts = Post.objects.filter(group=group).select_related("group")
    comments = Comment.objects.filter(post__group=group)
    files = list(
        Attachment.objects.filter(Q(post__group=group) | Q(comment__post__group=group)).order_by(
            "pk"
        )
    )
    sections: Sections = {
        "group": {
            "id": group.pk,
            "name": group.name,
            "slug": group.slug,
            "visibility": group.visibility,
            "sensitivity": group.sensitivity,
            "is_external": group.is_external,
            "created_at": group.created_at,
        },
        "members": [
            {
                "user_id": membership.user_id,
                "name": membership.user.name,
                "email": membership.user.email,
                "role": membership.role,
                "state": membership.state,
                "joined_at": membership.joined_at,
            }
            for membership in Membership.objects.filter(group=group)
            .select_related("user")
            .order_by("pk")
        ],
        "posts": [_post(post) for post in posts.order_by("pk")],
        "comments": [_comment(comment) for comment in comments.order_by("pk")],
        "reactions": [
            _reaction(reaction)
            for reaction in Reaction.objects.filter(
                Q(post__group=group) | Q(comment__post__group=group)
            ).order_by("pk")
        ],
        "files": [_file(attachment) for attachment in files],
    }
    return sections, files


def person_sections(user: User) -> tuple[Sections, list[Attachment]]:
    """Everything a person wrote anywhere, deleted items included (eDiscovery)."""
    posts = Post.objects.filter(author=user).select_related("group")
    files = list(Attachment.objects.filter(uploader=user).order_by("pk"))
    sections: Sections = {
        "person": _profile(user),
        "posts": [_post(post) for post in posts.order_by("pk")],
        "comments": [
            _comment(comment) for comment in Comment.objects.filter(author=user).order_by("pk")
        ],
        "reactions": [
            _reaction(reaction) for reaction in Reaction.objects.filter(user=user).order_by("pk")
        ],
        "files": [_file(attachment) for attachment in files],
    }
    return sections, files


def write_zip(
    target: IO[bytes], *, sections: Sections, files: Iterable[Attachment], meta: dict[str, Any]
) -> None:
    """One JSON file per section plus ``files/<id>-<name>``; a file missing from storage is
    listed in ``missing_files.json`` instead of failing the export."""
    missing: list[int] = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.json", _dump(meta))
        for name, value in sections.items():
            archive.writestr(f"{name}.json", _dump(value))
        for attachment in files:
            try:
                with attachment.file.open("rb") as handle:
                    archive.writestr(f"files/{attachment.pk}-{attachment.name}", handle.read())
            except (FileNotFoundError, OSError, ValueError):
                missing.append(attachment.pk)
        if missing:
            archive.writestr("missing_files.json", _dump(missing))


def _dump(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
