"""Feeds (``/feed``, ``/groups/{id}/posts``, ``/people/{id}/posts``, ``/topics/{slug}/posts``,
``/companies/{id}/posts``, ``/network/posts``) and mutes (``/mutes``).

Every list is a keyset page, newest first: ``{"results": [...], "next": cursor-or-null}``.
The selectors in ``hallway.feed.selectors`` do the reading, through the permission layer.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

import pydantic
from django.http import HttpRequest
from django.utils.text import slugify
from ninja import Query, Router, Schema, Status
from ninja.errors import ValidationError
from pydantic import Field

from hallway.api.auth import api_viewer
from hallway.api.pagination import PageParams, page_by_newest
from hallway.api.posts import PostPage, post_json
from hallway.api.schemas import Id, PersonRef, ShortText, TopicOut, responses
from hallway.api.serializers import person_ref, topic_json
from hallway.companies.access import access_company_by_id
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import Viewer
from hallway.feed.actions import do_mute, do_unmute
from hallway.feed.models import Mute
from hallway.feed.selectors import (
    NEW_POSTS_CAP,
    FeedPage,
    company_feed,
    group_feed,
    home_feed,
    mutes_visible_to,
    network_feed,
    new_posts_count,
    profile_feed,
    topic_feed,
)
from hallway.groups.access import access_group_by_id
from hallway.profiles.access import access_person_by_id, access_topic_by_slug

router = Router(tags=["feed"])


# --- shapes ---------------------------------------------------------------------------------
class NewPostsOut(Schema):
    count: int = Field(description=f"Newer posts in the home feed, at most {NEW_POSTS_CAP}.")
    capped: bool = Field(description=f"True when there are {NEW_POSTS_CAP} or more.")


class FeedParams(PageParams):
    ordering: Literal["new", "top"] = Field(
        "new", description="`new`: newest first. `top`: recent posts ranked by engagement."
    )


class NewParams(Schema):
    since: int = Field(ge=0, le=2**63 - 1, description="The newest post id the client has.")


class MuteTargetIn(Schema):
    person_id: Id | None = None
    group_id: Id | None = None
    topic: ShortText | None = Field(None, description="A topic's slug or name.")


class MutedGroupOut(Schema):
    id: int
    name: str
    slug: str


class MuteOut(Schema):
    id: int
    type: Literal["person", "group", "topic"]
    person: PersonRef | None
    group: MutedGroupOut | None
    topic: TopicOut | None
    created_at: datetime


class MutePage(Schema):
    results: list[MuteOut]
    next: str | None


# --- JSON -----------------------------------------------------------------------------------
def page_json(page: FeedPage) -> dict[str, Any]:
    """A feed page as the API answers it: posts as ``GET /posts/{id}`` shows them."""
    return {"results": [post_json(post) for post in page.results], "next": page.next_cursor}


# --- feeds ----------------------------------------------------------------------------------
@router.get("/feed", response=responses({200: PostPage}), summary="My home feed")
def get_home_feed(request: HttpRequest, params: Query[FeedParams]) -> dict[str, Any]:
    """Posts of people, topics and companies I follow, my groups, announcements (pinned ones
    first on the first page) and my own, minus what I muted."""
    viewer = api_viewer(request)
    page = home_feed(viewer, cursor=params.cursor, limit=params.limit, ordering=params.ordering)
    return page_json(page)


@router.get("/feed/new", response=responses({200: NewPostsOut}), summary="New posts count")
def get_new_posts(request: HttpRequest, params: Query[NewParams]) -> dict[str, Any]:
    """How many home-feed posts by others are newer than ``since`` (capped)."""
    count = new_posts_count(api_viewer(request), since_post_id=params.since)
    return {"count": count, "capped": count >= NEW_POSTS_CAP}


@router.get("/groups/{group_id}/posts", response=responses({200: PostPage}), summary="Group feed")
def get_group_posts(
    request: HttpRequest, group_id: Id, params: Query[PageParams]
) -> dict[str, Any]:
    """A group's posts, pinned first. A hidden group answers 404; a private group whose
    content the caller may not read answers 403."""
    viewer = api_viewer(request)
    group = access_group_by_id(viewer, group_id)
    if group.label not in viewer.labels:
        raise PermissionDenied("Only the group's members can read its posts.")
    return page_json(group_feed(viewer, group, cursor=params.cursor, limit=params.limit))


@router.get(
    "/people/{person_id}/posts", response=responses({200: PostPage}), summary="A person's posts"
)
def get_person_posts(
    request: HttpRequest, person_id: Id, params: Query[PageParams]
) -> dict[str, Any]:
    """What this person posted that the caller may read."""
    viewer = api_viewer(request)
    person = access_person_by_id(viewer, person_id)
    return page_json(profile_feed(viewer, person, cursor=params.cursor, limit=params.limit))


@router.get("/topics/{slug}/posts", response=responses({200: PostPage}), summary="Posts on a topic")
def get_topic_posts(request: HttpRequest, slug: str, params: Query[PageParams]) -> dict[str, Any]:
    viewer = api_viewer(request)
    topic = access_topic_by_slug(viewer, slugify(slug))
    return page_json(topic_feed(viewer, topic, cursor=params.cursor, limit=params.limit))


@router.get(
    "/companies/{company_id}/posts",
    response=responses({200: PostPage}),
    summary="A company's internal side",
)
def get_company_posts(
    request: HttpRequest, company_id: Id, params: Query[PageParams]
) -> dict[str, Any]:
    """Posts about a company, for members only (guests: 403)."""
    viewer = api_viewer(request)
    company = access_company_by_id(viewer, company_id)
    if not viewer.is_member:
        raise PermissionDenied("Only members read a company's internal side.")
    return page_json(company_feed(viewer, company, cursor=params.cursor, limit=params.limit))


@router.get("/network/posts", response=responses({200: PostPage}), summary="Network stream")
def get_network_posts(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """The network-wide stream, for members only (guests: 403)."""
    viewer = api_viewer(request)
    if not viewer.is_member:
        raise PermissionDenied("Only members read the network stream.")
    return page_json(network_feed(viewer, cursor=params.cursor, limit=params.limit))


# --- mutes ----------------------------------------------------------------------------------
def mute_json(mute: Mute) -> dict[str, Any]:
    kind = "person" if mute.person_id else "group" if mute.group_id else "topic"
    group = mute.group
    return {
        "id": mute.pk,
        "type": kind,
        "person": person_ref(mute.person) if mute.person is not None else None,
        "group": (
            {"id": group.pk, "name": group.name, "slug": group.slug} if group is not None else None
        ),
        "topic": topic_json(mute.topic) if mute.topic is not None else None,
        "created_at": mute.created_at,
    }


def _mute_target(viewer: Viewer, target: MuteTargetIn) -> dict[str, Any]:
    """The one person, group or topic named, through the permission layer (hidden → 404)."""
    given = [
        name
        for name in ("person_id", "group_id", "topic")
        if getattr(target, name) not in (None, "")
    ]
    if len(given) != 1:
        raise ActionError("Give exactly one of person_id, group_id or topic.")
    if target.person_id is not None:
        return {"person": access_person_by_id(viewer, target.person_id)}
    if target.group_id is not None:
        return {"group": access_group_by_id(viewer, target.group_id)}
    return {"topic": access_topic_by_slug(viewer, slugify((target.topic or "").lstrip("#")))}


@router.get("/mutes", response=responses({200: MutePage}), summary="What I muted")
def list_mutes(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    rows, next_cursor = page_by_newest(mutes_visible_to(api_viewer(request)), params)
    return {"results": [mute_json(mute) for mute in rows], "next": next_cursor}


@router.post("/mutes", response=responses({201: MuteOut}), summary="Mute a person, group or topic")
def create_mute(request: HttpRequest, payload: MuteTargetIn) -> Status[dict[str, Any]]:
    """Hide one person's, group's or topic's posts from my home feed (idempotent)."""
    viewer = api_viewer(request)
    assert viewer.user is not None
    mute = do_mute(user=viewer.user, **_mute_target(viewer, payload))
    return Status(201, mute_json(mute))


def _target_from_body(request: HttpRequest) -> MuteTargetIn:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise ActionError("The request body is not valid JSON.") from exc
    try:
        return MuteTargetIn.model_validate(data)
    except pydantic.ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        raise ValidationError(errors) from exc


@router.delete("/mutes", response=responses({204: None}), summary="Unmute")
def delete_mute(request: HttpRequest, target: Query[MuteTargetIn]) -> Status[None]:
    """Unmute one target, named in query parameters or a JSON body as for POST."""
    viewer = api_viewer(request)
    assert viewer.user is not None
    if not target.model_fields_set and request.body:
        target = _target_from_body(request)
    do_unmute(user=viewer.user, **_mute_target(viewer, target))
    return Status(204, None)
