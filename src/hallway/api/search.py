"""``/search``, ``/search/suggest`` and ``/experts`` (issue 5, ADR 0009).

Search answers ``{"results": [...], "hints": [...], "next": cursor-or-null}``. A hint names a
private group the caller cannot read where enough posts match; ask to join it with
``POST /groups/{id}/requests`` (its owners approve or decline with a reason).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from hallway.api.auth import api_viewer
from hallway.api.pagination import PageParams
from hallway.api.schemas import Id, PersonRef, ShortText, TopicOut, responses
from hallway.api.serializers import person_ref, topic_json
from hallway.companies.access import access_company_by_id
from hallway.core.errors import ActionError, NotFound
from hallway.core.permissions import Viewer
from hallway.groups.access import access_group_by_id
from hallway.profiles.access import access_person_by_id, access_topic_by_slug
from hallway.search.experts import MAX_LIMIT as EXPERTS_MAX
from hallway.search.experts import experts_on, resolve_topic
from hallway.search.selectors import (
    MAX_PAGE_SIZE,
    Hint,
    Result,
    SearchFilters,
    search,
    suggest,
)

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
