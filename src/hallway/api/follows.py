"""``/follows`` (people, topics and companies I follow) and ``/topics``."""

import json
from typing import Any, Literal

import pydantic
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import slugify
from ninja import Query, Router, Status
from ninja.errors import ValidationError
from pydantic import Field

from hallway.api.auth import api_viewer
from hallway.api.pagination import PageParams, after_name, decode, encode, page_by_name
from hallway.api.schemas import (
    FollowOut,
    FollowPage,
    FollowTargetIn,
    ShortText,
    TopicPage,
    responses,
)
from hallway.api.serializers import company_ref, person_ref, topic_json
from hallway.companies.access import access_company_by_id, companies_visible_to
from hallway.core.errors import ActionError
from hallway.core.permissions import Viewer
from hallway.profiles.access import (
    access_person_by_id,
    access_topic_by_slug,
    people_visible_to,
    topics_visible_to,
)
from hallway.profiles.actions import do_follow, do_unfollow

router = Router(tags=["follows"], exclude_unset=True)

FOLLOW_TYPES: tuple[Literal["person", "topic", "company"], ...] = ("person", "topic", "company")
TARGET_FIELDS = ("person_id", "topic", "company_id")


class FollowParams(PageParams):
    type: Literal["person", "topic", "company"] | None = Field(
        None, description="Only follows of this type; all three (people first) when absent."
    )


class TopicParams(PageParams):
    q: ShortText = Field("", description="Part of the topic's name.")


def _followed(viewer: Viewer, follow_type: str) -> QuerySet[Any]:
    """What the viewer follows and may still see, of one type."""
    user_id = viewer.user_id
    if follow_type == "person":
        return people_visible_to(viewer).filter(followers__follower_id=user_id)
    if follow_type == "topic":
        return topics_visible_to(viewer).filter(followers__follower_id=user_id)
    return companies_visible_to(viewer).filter(followers__follower_id=user_id)


def follow_json(follow_type: str, target: Any) -> dict[str, Any]:
    return {
        "type": follow_type,
        "person": person_ref(target) if follow_type == "person" else None,
        "topic": topic_json(target) if follow_type == "topic" else None,
        "company": company_ref(target) if follow_type == "company" else None,
    }


@router.get("/follows", response=responses({200: FollowPage}), summary="What I follow")
def list_follows(request: HttpRequest, params: Query[FollowParams]) -> dict[str, Any]:
    """People, then topics, then companies you follow, each by name (one type with ``type``)."""
    viewer = api_viewer(request)
    types = [params.type] if params.type else list(FOLLOW_TYPES)
    start, name, pk = 0, None, None
    if params.cursor:
        start, name, pk = decode(params.cursor, int, str, int)
    found: list[tuple[int, Any]] = []
    for index, follow_type in enumerate(FOLLOW_TYPES):
        if follow_type not in types or index < start:
            continue
        rows = _followed(viewer, follow_type)
        if index == start and name is not None and pk is not None:
            rows = after_name(rows, name, pk)
        wanted = params.limit + 1 - len(found)
        found.extend((index, row) for row in rows.order_by("name", "pk")[:wanted])
        if len(found) > params.limit:
            break
    next_cursor = None
    if len(found) > params.limit:
        found = found[: params.limit]
        index, last = found[-1]
        next_cursor = encode(index, last.name, last.pk)
    return {
        "results": [follow_json(FOLLOW_TYPES[index], row) for index, row in found],
        "next": next_cursor,
    }


def _target(viewer: Viewer, target: FollowTargetIn) -> dict[str, Any]:
    """The one person, topic or company named, through the permission layer (hidden → 404)."""
    given = [name for name in TARGET_FIELDS if getattr(target, name) not in (None, "")]
    if len(given) != 1:
        raise ActionError("Give exactly one of person_id, topic or company_id.")
    if target.person_id is not None:
        return {"person": access_person_by_id(viewer, target.person_id)}
    if target.company_id is not None:
        return {"company": access_company_by_id(viewer, target.company_id)}
    slug = slugify((target.topic or "").strip().lstrip("#"))
    return {"topic": access_topic_by_slug(viewer, slug)}


@router.post(
    "/follows", response=responses({201: FollowOut}), summary="Follow a person, topic or company"
)
def create_follow(request: HttpRequest, payload: FollowTargetIn) -> Status[dict[str, Any]]:
    """Follow exactly one of ``person_id``, ``topic`` (slug or name) or ``company_id``.

    Following something you already follow changes nothing and answers the same.
    """
    viewer = api_viewer(request)
    assert viewer.user is not None
    target = _target(viewer, payload)
    person = target.get("person")
    if person is not None and person.state != "active":
        raise ActionError("Only active people can be followed.", field="person_id")
    do_follow(follower=viewer.user, **target)
    follow_type, followed = next(iter(target.items()))
    return Status(201, follow_json(follow_type, followed))


def _target_from_body(request: HttpRequest) -> FollowTargetIn:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError as exc:
        raise ActionError("The request body is not valid JSON.") from exc
    try:
        return FollowTargetIn.model_validate(data)
    except pydantic.ValidationError as exc:
        errors = [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        raise ValidationError(errors) from exc


@router.delete("/follows", response=responses({204: None}), summary="Stop following")
def delete_follow(request: HttpRequest, target: Query[FollowTargetIn]) -> Status[None]:
    """Stop following one target, named in query parameters or a JSON body as for POST."""
    viewer = api_viewer(request)
    assert viewer.user is not None
    if not target.model_fields_set and request.body:
        target = _target_from_body(request)
    do_unfollow(follower=viewer.user, **_target(viewer, target))
    return Status(204, None)


@router.get("/topics", response=responses({200: TopicPage}), summary="Topics")
def list_topics(request: HttpRequest, params: Query[TopicParams]) -> dict[str, Any]:
    """Topics (skills and #tags) by name, optionally those whose name contains ``q``."""
    topics = topics_visible_to(api_viewer(request))
    if params.q.strip():
        topics = topics.filter(name__icontains=params.q.strip().lstrip("#"))
    rows, next_cursor = page_by_name(topics, params)
    return {"results": [topic_json(topic) for topic in rows], "next": next_cursor}
