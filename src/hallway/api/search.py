"""``/search``, ``/search/suggest``, ``/experts`` and freshness marks (issue 5, ADR 0009).

Search answers ``{"results": [...], "hints": [...], "next": cursor-or-null}``. A hint names a
private group the caller cannot read where enough posts match; ask to join it with
``POST /groups/{id}/requests`` (its owners approve or decline with a reason).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hallway.api.auth import api_viewer
from hallway.api.pagination import PageParams
from hallway.api.schemas import Id, PersonRef, ShortText, TopicOut, responses
from hallway.api.serializers import person_ref, topic_json
from hallway.companies.access import access_company_by_id
from hallway.core.errors import ActionError, NotFound
from hallway.core.permissions import Viewer
from hallway.groups.access import access_group_by_id
from hallway.posts.access import access_comment_by_id, access_post_by_id
from hallway.profiles.access import access_person_by_id, access_topic_by_slug
from hallway.search.experts import MAX_LIMIT as EXPERTS_MAX
from hallway.search.experts import experts_on, resolve_topic
from hallway.search.freshness import do_clear_mark, do_mark_official, do_mark_outdated
from hallway.search.models import FreshnessMark
from hallway.search.selectors import (
    MAX_PAGE_SIZE,
    Hint,
    Result,
    SearchFilters,
    search,
    suggest,
)
from hallway.search.suggestions import Suggestion, do_dismiss_suggestion, suggestions_for

router = Router(tags=["search"])

SearchType = Literal[
    "all", "people", "posts", "questions", "comments", "files", "groups", "topics", "companies"
]
ResultType = Literal["person", "group", "topic", "company", "post", "question", "comment", "file"]


# --- shapes ---------------------------------------------------------------------------------
class GroupRef(Schema):
    id: int
    name: str
    slug: str


class SearchResultOut(Schema):
    type: ResultType
    id: int
    title: str
    snippet: str = Field(description="HTML: escaped text with matching words in `<mark>`.")
    url: str = Field(description="The page of the result (for people: their profile).")
    created_at: datetime | None
    author: PersonRef | None
    group: GroupRef | None
    answered: bool | None = Field(description="Questions: whether an answer was accepted.")
    mark: Literal["official", "outdated"] | None = Field(
        None, description="A moderator marked it official (ranked up) or outdated (ranked down)."
    )
    stale: bool = Field(False, description="No activity for HALLWAY_STALE_AFTER_DAYS days.")


class HintOut(Schema):
    group: GroupRef
    count: int = Field(description="Matching posts and questions (at least 3).")
    owners: list[PersonRef]
    titles: list[str] = Field(description="Titles of some matches, when the owners allow it.")
    request_access: str = Field(description="POST here (with a reason) to ask to join.")


class SearchPageOut(Schema):
    results: list[SearchResultOut]
    hints: list[HintOut]
    next: str | None


class SearchParams(PageParams):
    q: ShortText = Field("", description="Words to find; each matches as a word prefix.")
    type: SearchType = "all"
    group: Id | None = Field(None, description="Only content of this group.")
    author: Id | None = Field(None, description="Only content by this person.")
    company: Id | None = Field(None, description="Only content on this company's internal side.")
    topic: ShortText | None = Field(None, description="A topic slug: only posts tagged with it.")
    start: date | None = Field(None, description="Created on or after this day.")
    end: date | None = Field(None, description="Created on or before this day.")
    answered: bool | None = Field(None, description="Questions: answered or not.")


class SuggestionOut(Schema):
    type: ResultType
    id: int
    title: str
    url: str


class SuggestionsOut(Schema):
    results: list[SuggestionOut]


class SuggestParams(Schema):
    q: ShortText = Field("", description="What has been typed so far (two letters or more).")


class ExpertOut(Schema):
    person: PersonRef
    title: str
    score: int
    reasons: list[str] = Field(description='Why, e.g. "4 accepted answers on #pricing".')
    skill: bool
    posts: int
    answers: int
    accepted_answers: int
    praise: int


class ExpertsOut(Schema):
    topic: TopicOut | None
    results: list[ExpertOut]


class ExpertParams(Schema):
    topic: ShortText = Field(description="A topic's slug or name.")
    limit: int = Field(10, ge=1, le=EXPERTS_MAX)


class MarkOut(Schema):
    state: Literal["official", "outdated"]
    newer_post_id: int | None = Field(description="Outdated: the post that replaces it.")
    marked_at: datetime


class OutdatedIn(Schema):
    newer_post_id: int | None = Field(None, description="The newer post (one you can read).")


class SuggestionTarget(Schema):
    id: int
    name: str
    slug: str | None = Field(None, description="Groups and topics.")


class SuggestedOut(Schema):
    target: SuggestionTarget
    reasons: list[str] = Field(description='Why, e.g. "On your team", "Also knows SAP".')


class SuggestionListOut(Schema):
    people: list[SuggestedOut]
    groups: list[SuggestedOut]
    topics: list[SuggestedOut]


class DismissIn(Schema):
    kind: Literal["person", "group", "topic"]
    id: int


# --- helpers --------------------------------------------------------------------------------
def _known(viewer: Viewer, field: str, lookup: Any, value: Any) -> Any:
    try:
        return lookup(viewer, value)
    except NotFound as exc:
        raise ActionError(f"No such {field}.", field=field) from exc


def _group_ref(group: Any) -> dict[str, Any] | None:
    if group is None:
        return None
    return {"id": group.pk, "name": group.name, "slug": group.slug}


def result_json(result: Result) -> dict[str, Any]:
    return {
        "type": result.type,
        "id": result.id,
        "title": result.title,
        "snippet": str(result.snippet),
        "url": result.url,
        "created_at": result.created_at,
        "author": person_ref(result.author) if result.author is not None else None,
        "group": _group_ref(result.group),
        "answered": result.answered,
        "mark": result.mark or None,
        "stale": result.stale,
    }


def hint_json(hint: Hint) -> dict[str, Any]:
    return {
        "group": _group_ref(hint.group),
        "count": hint.count,
        "owners": [person_ref(owner) for owner in hint.owners],
        "titles": hint.titles,
        "request_access": f"/api/v1/groups/{hint.group.pk}/requests",
    }


# --- routes ---------------------------------------------------------------------------------
@router.get("/search", response=responses({200: SearchPageOut}), summary="Search")
def search_everything(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """People, posts, questions, comments, files, groups, topics and companies you may see,
    ranked by text match, recency and engagement; plus hints about private groups."""
    viewer = api_viewer(request)
    if params.start and params.end and params.start > params.end:
        raise ActionError("The start date is after the end date.", field="start")
    topic_id = None
    if params.topic:
        topic_id = _known(viewer, "topic", access_topic_by_slug, params.topic).pk
    for field, lookup, value in (
        ("group", access_group_by_id, params.group),
        ("author", access_person_by_id, params.author),
        ("company", access_company_by_id, params.company),
    ):
        if value is not None:
            _known(viewer, field, lookup, value)
    page = search(
        viewer,
        SearchFilters(
            q=params.q,
            type=params.type,
            group_id=params.group,
            author_id=params.author,
            company_id=params.company,
            topic_id=topic_id,
            created_from=params.start,
            created_to=params.end,
            answered=params.answered,
        ),
        cursor=params.cursor,
        limit=min(params.limit, MAX_PAGE_SIZE),
    )
    return {
        "results": [result_json(result) for result in page.results],
        "hints": [hint_json(hint) for hint in page.hints],
        "next": page.next_cursor,
    }


@router.get(
    "/search/suggest", response=responses({200: SuggestionsOut}), summary="Search suggestions"
)
def search_suggestions(request: HttpRequest, params: Query[SuggestParams]) -> dict[str, Any]:
    """While typing: people, groups and topics by prefix, and titled posts and questions."""
    found = suggest(api_viewer(request), params.q)
    return {
        "results": [{"type": r.type, "id": r.id, "title": r.title, "url": r.url} for r in found.all]
    }


@router.get("/experts", response=responses({200: ExpertsOut}), summary="Who knows about a topic")
def list_experts(request: HttpRequest, params: Query[ExpertParams]) -> dict[str, Any]:
    """People ranked by declared skills, posts, answers, accepted answers and praise on the
    topic, counting only what you can see; each says why."""
    viewer = api_viewer(request)
    topic = resolve_topic(viewer, params.topic)
    if topic is None:
        return {"topic": None, "results": []}
    return {
        "topic": topic_json(topic),
        "results": [
            {
                "person": person_ref(expert.person),
                "title": expert.title,
                "score": expert.score,
                "reasons": expert.reasons,
                "skill": expert.skill,
                "posts": expert.posts,
                "answers": expert.answers,
                "accepted_answers": expert.accepted,
                "praise": expert.praise,
            }
            for expert in experts_on(viewer, topic, limit=params.limit)
        ],
    }


# --- freshness marks (search.freshness) -------------------------------------------------------
def _mark_json(mark: FreshnessMark) -> dict[str, Any]:
    return {"state": mark.state, "newer_post_id": mark.newer_post_id, "marked_at": mark.marked_at}


def _newer(viewer: Viewer, payload: OutdatedIn) -> Any:
    if payload.newer_post_id is None:
        return None
    return _known(viewer, "newer_post_id", access_post_by_id, payload.newer_post_id)


@router.post(
    "/posts/{post_id}/official", response=responses({200: MarkOut}), summary="Mark official"
)
def mark_post_official(request: HttpRequest, post_id: Id) -> dict[str, Any]:
    """Owners and moderators of the post's group (network admins outside groups): search
    ranks the post up."""
    viewer = api_viewer(request)
    post = access_post_by_id(viewer, post_id)
    return _mark_json(do_mark_official(actor=viewer.user, post=post))  # type: ignore[arg-type]


@router.post(
    "/posts/{post_id}/outdated", response=responses({200: MarkOut}), summary="Mark outdated"
)
def mark_post_outdated(request: HttpRequest, post_id: Id, payload: OutdatedIn) -> dict[str, Any]:
    """Search ranks the post down and links the newer post; its author, commenters and
    reactors are told."""
    viewer = api_viewer(request)
    post = access_post_by_id(viewer, post_id)
    newer = _newer(viewer, payload)
    return _mark_json(do_mark_outdated(actor=viewer.user, post=post, newer_post=newer))  # type: ignore[arg-type]


@router.delete("/posts/{post_id}/mark", response=responses({204: None}), summary="Clear a mark")
def clear_post_mark(request: HttpRequest, post_id: Id) -> Status:
    viewer = api_viewer(request)
    post = access_post_by_id(viewer, post_id)
    do_clear_mark(actor=viewer.user, post=post)  # type: ignore[arg-type]
    return Status(204, None)


@router.post(
    "/comments/{comment_id}/official",
    response=responses({200: MarkOut}),
    summary="Mark an answer official",
)
def mark_comment_official(request: HttpRequest, comment_id: Id) -> dict[str, Any]:
    viewer = api_viewer(request)
    comment = access_comment_by_id(viewer, comment_id)
    return _mark_json(do_mark_official(actor=viewer.user, comment=comment))  # type: ignore[arg-type]


@router.post(
    "/comments/{comment_id}/outdated",
    response=responses({200: MarkOut}),
    summary="Mark an answer outdated",
)
def mark_comment_outdated(
    request: HttpRequest, comment_id: Id, payload: OutdatedIn
) -> dict[str, Any]:
    viewer = api_viewer(request)
    comment = access_comment_by_id(viewer, comment_id)
    newer = _newer(viewer, payload)
    return _mark_json(
        do_mark_outdated(actor=viewer.user, comment=comment, newer_post=newer)  # type: ignore[arg-type]
    )


@router.delete(
    "/comments/{comment_id}/mark", response=responses({204: None}), summary="Clear an answer's mark"
)
def clear_comment_mark(request: HttpRequest, comment_id: Id) -> Status:
    viewer = api_viewer(request)
    comment = access_comment_by_id(viewer, comment_id)
    do_clear_mark(actor=viewer.user, comment=comment)  # type: ignore[arg-type]
    return Status(204, None)


# --- suggestions (search.suggestions) --------------------------------------------------------
def _suggested_json(suggestion: Suggestion) -> dict[str, Any]:
    target = suggestion.target
    return {
        "target": {"id": target.pk, "name": target.name, "slug": getattr(target, "slug", None)},
        "reasons": suggestion.reasons,
    }


@router.get(
    "/suggestions", response=responses({200: SuggestionListOut}), summary="Suggestions for you"
)
def list_suggestions(request: HttpRequest) -> dict[str, Any]:
    """People to follow, groups to join and topics to follow, each with why; never anyone or
    anything you could not find yourself, nor what you dismissed."""
    found = suggestions_for(api_viewer(request))
    return {
        "people": [_suggested_json(s) for s in found.people],
        "groups": [_suggested_json(s) for s in found.groups],
        "topics": [_suggested_json(s) for s in found.topics],
    }


@router.post(
    "/suggestions/dismissals", response=responses({204: None}), summary="Dismiss a suggestion"
)
def dismiss_suggestion(request: HttpRequest, payload: DismissIn) -> Status:
    """Never suggest this person, group or topic again (404 for one you cannot see)."""
    do_dismiss_suggestion(viewer=api_viewer(request), kind=payload.kind, object_id=payload.id)
    return Status(204, None)
