"""Reads for the search page, the API and the search box (ADR 0009).

``search`` answers one query across people, posts, questions, comments, files, groups, topics
and companies; every part starts from the permission layer (``*_visible_to``) or from the
index filtered by ``viewer.labels`` in the same statement, and each content hit is loaded
again through the permission layer before it is shown. ``hints_for`` adds "discoverable, not
readable" hints; ``suggest`` feeds the search box.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from hallway.accounts.models import User
from hallway.companies.access import companies_visible_to
from hallway.companies.models import Company
from hallway.core.audit import record_audit_event
from hallway.core.cursors import BadCursor, decode_cursor, encode_cursor
from hallway.core.permissions import Viewer
from hallway.groups.access import group_label, groups_visible_to
from hallway.groups.models import Group, Membership
from hallway.labels.rules import hint_sensitivities
from hallway.posts.access import (
    attachments_visible_to,
    comments_visible_to,
    posts_visible_to,
)
from hallway.profiles.access import topics_visible_to
from hallway.profiles.models import Topic
from hallway.profiles.search import search_terms
from hallway.profiles.selectors import DirectoryFilters, people_directory
from hallway.search.backends import CANDIDATES, HINT_SCAN, Hit, Query, get_backend
from hallway.search.experts import visible_title
from hallway.search.freshness import OFFICIAL, OUTDATED, stale_before
from hallway.search.snippets import highlight

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
ENTITY_LIMIT = 5
SUGGEST_LIMIT = 5
HINT_MINIMUM = 3
HINTS_PER_MINUTE_DEFAULT = 30

TYPES = (
    "all",
    "people",
    "posts",
    "questions",
    "comments",
    "files",
    "groups",
    "topics",
    "companies",
)
CONTENT_KINDS: dict[str, tuple[str, ...]] = {
    "all": ("post", "question", "comment", "file"),
    "posts": ("post", "question"),
    "questions": ("question",),
    "comments": ("comment",),
    "files": ("file",),
}
# Ranking weights: text match first, then recency, then engagement (each scaled to 0–1).
TEXT_WEIGHT, RECENCY_WEIGHT, ENGAGEMENT_WEIGHT = 0.6, 0.25, 0.15
RECENCY_HALF_LIFE_DAYS = 60
# Freshness (search.freshness), added to the 0–1 score: official content up, outdated and
# stale content (no activity for HALLWAY_STALE_AFTER_DAYS) down.
OFFICIAL_BONUS, OUTDATED_PENALTY, STALE_PENALTY = 0.2, 0.3, 0.15


@dataclass(frozen=True)
class SearchFilters:
    q: str = ""
    type: str = "all"
    group_id: int | None = None
    author_id: int | None = None
    company_id: int | None = None
    topic_id: int | None = None
    created_from: date | None = None
    created_to: date | None = None
    answered: bool | None = None

    @property
    def narrowed(self) -> bool:
        """Filters beyond the type: hints are only for plain searches (no probing by author,
        date or topic inside a group one cannot read)."""
        return any(
            value is not None
            for value in (
                self.group_id,
                self.author_id,
                self.company_id,
                self.topic_id,
                self.created_from,
                self.created_to,
                self.answered,
            )
        )


@dataclass
class Result:
    type: str  # person | group | topic | company | post | question | comment | file
    id: int
    title: str
    snippet: SafeString
    url: str
    created_at: datetime | None = None
    author: User | None = None
    group: Group | None = None
    answered: bool | None = None
    subtitle: str = ""
    mark: str = ""  # official | outdated | "" (posts, questions, comments)
    stale: bool = False


@dataclass
class Hint:
    group: Group
    count: int
    owners: list[User]
    titles: list[str] = field(default_factory=list)

    @property
    def count_text(self) -> str:
        return f"{HINT_SCAN}+" if self.count >= HINT_SCAN else str(self.count)

    @property
    def request_url(self) -> str:
        return reverse("group_request", kwargs={"slug": self.group.slug})


@dataclass
class SearchPage:
    results: list[Result]
    hints: list[Hint]
    next_cursor: str | None
    terms: list[str]
    hints_paused: bool = False


# --- one search ------------------------------------------------------------------------------
def search(
    viewer: Viewer,
    filters: SearchFilters,
    *,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    with_hints: bool = True,
) -> SearchPage:
    """One page of results for ``filters`` (see the module docstring). ``BadCursor`` for a
    cursor this search did not make. Query count: bounded (about ten on a first page)."""
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    terms = search_terms(filters.q)
    if not terms or viewer.user is None or filters.type not in TYPES:
        return SearchPage(results=[], hints=[], next_cursor=None, terms=terms)
    if filters.type == "people":
        directory = people_directory(
            viewer, DirectoryFilters(q=filters.q), cursor=cursor, limit=limit
        )
        return SearchPage(
            results=[_person_result(viewer, person, terms) for person in directory.results],
            hints=[],
            next_cursor=directory.next_cursor,
            terms=terms,
        )
    offset = _offset(cursor)
    if filters.type in {"groups", "topics", "companies"}:
        rows = _entities(viewer, filters.type, terms, offset=offset, limit=limit + 1)
        return SearchPage(
            results=rows[:limit],
            hints=[],
            next_cursor=encode_cursor(offset + limit) if len(rows) > limit else None,
            terms=terms,
        )
    results: list[Result] = []
    if filters.type == "all" and offset == 0 and not filters.narrowed:
        results += _top_entities(viewer, filters.q, terms)
    ranked = _rank(get_backend().search(_query(viewer, filters, terms)))
    page = ranked[offset : offset + limit]
    results += _content_results(viewer, page, terms)
    hints: list[Hint] = []
    paused = False
    if with_hints and offset == 0 and not filters.narrowed and filters.type != "comments":
        hints, paused = hints_for(viewer, terms, query_text=filters.q)
    next_cursor = encode_cursor(offset + limit) if len(ranked) > offset + limit else None
    return SearchPage(
        results=results, hints=hints, next_cursor=next_cursor, terms=terms, hints_paused=paused
    )


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    (offset,) = decode_cursor(cursor, int)
    if not 0 <= offset <= CANDIDATES * 10:
        raise BadCursor
    return int(offset)


def _query(viewer: Viewer, filters: SearchFilters, terms: list[str]) -> Query:
    def start_of(day: date | None) -> datetime | None:
        if day is None:
            return None
        return timezone.make_aware(datetime(day.year, day.month, day.day))

    return Query(
        terms=terms,
        labels=viewer.labels,
        kinds=CONTENT_KINDS[filters.type],
        group_id=filters.group_id,
        author_id=filters.author_id,
        company_id=filters.company_id,
        topic_id=filters.topic_id,
        created_from=start_of(filters.created_from),
        created_before=start_of(filters.created_to + timedelta(days=1))
        if filters.created_to
        else None,
        answered=filters.answered,
    )


def _rank(hits: Sequence[Hit]) -> list[Hit]:
    """Text match, recency and engagement, each scaled to 0–1 over the candidates."""
    if not hits:
        return []
    best_text = max(hit.text_score for hit in hits) or 1.0
    best_engagement = math.log1p(max(hit.engagement for hit in hits)) or 1.0
    now = time.time()
    stale_epoch = stale_before().timestamp()

    def score(hit: Hit) -> tuple[float, int]:
        age_days = max(0.0, (now - hit.created_epoch) / 86400)
        recency = 0.5 ** (age_days / RECENCY_HALF_LIFE_DAYS)
        value = (
            TEXT_WEIGHT * (hit.text_score / best_text)
            + RECENCY_WEIGHT * recency
            + ENGAGEMENT_WEIGHT * (math.log1p(hit.engagement) / best_engagement)
        )
        if hit.mark == OFFICIAL:
            value += OFFICIAL_BONUS
        elif hit.mark == OUTDATED:
            value -= OUTDATED_PENALTY
        if _is_stale(hit, stale_epoch):
            value -= STALE_PENALTY
        return (-value, -hit.doc_id)

    return sorted(hits, key=score)


def _is_stale(hit: Hit, stale_epoch: float) -> bool:
    """No activity since the stale limit; official content is never stale."""
    return hit.mark != OFFICIAL and 0 < (hit.active_epoch or hit.created_epoch) < stale_epoch


def _content_results(viewer: Viewer, hits: Sequence[Hit], terms: list[str]) -> list[Result]:
    """Load each hit through the permission layer (a second check) and make its snippet."""
    by_kind: dict[str, list[int]] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.object_id)
    posts = comments = files = {}
    post_ids = by_kind.get("post", []) + by_kind.get("question", [])
    if post_ids:
        posts = {
            p.pk: p
            for p in posts_visible_to(viewer)
            .filter(pk__in=post_ids)
            .select_related("author", "group")
        }
    if by_kind.get("comment"):
        comments = {
            c.pk: c
            for c in comments_visible_to(viewer)
            .filter(pk__in=by_kind["comment"])
            .select_related("author", "post", "post__group")
        }
    if by_kind.get("file"):
        files = {
            a.pk: a
            for a in attachments_visible_to(viewer)
            .filter(pk__in=by_kind["file"])
            .select_related("uploader", "post__group", "comment__post__group")
        }
    results: list[Result] = []
    stale_epoch = stale_before().timestamp()
    for hit in hits:
        before = len(results)
        if hit.kind in {"post", "question"} and hit.object_id in posts:
            post: Any = posts[hit.object_id]
            results.append(
                Result(
                    type=hit.kind,
                    id=post.pk,
                    title=post.title or _first_words(post.body),
                    snippet=highlight(post.body, terms),
                    url=reverse("post_detail", args=[post.pk]),
                    created_at=post.created_at,
                    author=post.author,
                    group=post.group,
                    answered=(post.accepted_answer_id is not None)
                    if hit.kind == "question"
                    else None,
                )
            )
        elif hit.kind == "comment" and hit.object_id in comments:
            comment: Any = comments[hit.object_id]
            parent = comment.post
            results.append(
                Result(
                    type="comment",
                    id=comment.pk,
                    title=f"Comment on: {parent.title or _first_words(parent.body)}",
                    snippet=highlight(comment.body, terms),
                    url=reverse("post_detail", args=[parent.pk]) + f"#comment-{comment.pk}",
                    created_at=comment.created_at,
                    author=comment.author,
                    group=parent.group,
                )
            )
        elif hit.kind == "file" and hit.object_id in files:
            attachment: Any = files[hit.object_id]
            owner = attachment.post or attachment.comment.post
            results.append(
                Result(
                    type="file",
                    id=attachment.pk,
                    title=attachment.name,
                    snippet=highlight(attachment.name, terms),
                    url=reverse("attachment_download", args=[attachment.pk, attachment.name]),
                    created_at=attachment.created_at,
                    author=attachment.uploader,
                    group=owner.group,
                )
            )
        if len(results) > before and hit.kind != "file":
            results[-1].mark = hit.mark
            results[-1].stale = _is_stale(hit, stale_epoch)
    return results


def _first_words(text: str, words: int = 12) -> str:
    parts = (text or "").split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


# --- people, groups, topics, companies --------------------------------------------------------
def _person_result(viewer: Viewer, person: User, terms: list[str]) -> Result:
    title = visible_title(viewer, person)
    return Result(
        type="person",
        id=person.pk,
        title=person.name,
        snippet=highlight(" · ".join(part for part in (person.name, title) if part), terms),
        url=reverse("person_detail", args=[person.pk]),
        subtitle=title,
    )


def _word_prefix(field_name: str, term: str) -> Q:
    return Q(**{f"{field_name}__istartswith": term}) | Q(**{f"{field_name}__icontains": f" {term}"})


def _groups(viewer: Viewer, terms: list[str]) -> QuerySet[Group]:
    condition = Q()
    for term in terms:
        condition &= _word_prefix("name", term) | Q(description__icontains=term)
    return groups_visible_to(viewer).filter(condition).order_by("name", "pk")


def _topics(viewer: Viewer, terms: list[str]) -> QuerySet[Topic]:
    condition = Q()
    for term in terms:
        condition &= _word_prefix("name", term) | Q(slug__startswith=term)
    return topics_visible_to(viewer).filter(condition).order_by("name", "pk")


def _companies(viewer: Viewer, terms: list[str]) -> QuerySet[Company]:
    condition = Q()
    for term in terms:
        condition &= _word_prefix("name", term)
    return companies_visible_to(viewer).filter(condition).order_by("name", "pk")


def _group_result(group: Group, terms: list[str]) -> Result:
    about = group.description or group.get_visibility_display()
    return Result(
        type="group",
        id=group.pk,
        title=group.name,
        snippet=highlight(f"{group.name} · {about}", terms),
        url=reverse("group_detail", kwargs={"slug": group.slug}),
        subtitle=group.visibility,
    )


def _topic_result(topic: Topic, terms: list[str]) -> Result:
    return Result(
        type="topic",
        id=topic.pk,
        title=f"#{topic.name}",
        snippet=highlight(f"#{topic.name}", terms),
        url=reverse("topic_detail", kwargs={"slug": topic.slug}),
    )


def _company_result(company: Company, terms: list[str]) -> Result:
    return Result(
        type="company",
        id=company.pk,
        title=company.name,
        snippet=highlight(company.name, terms),
        url=reverse("company_detail", kwargs={"slug": company.slug}),
        subtitle=company.kind,
    )


def _entities(
    viewer: Viewer, kind: str, terms: list[str], *, offset: int, limit: int
) -> list[Result]:
    if kind == "groups":
        return [_group_result(g, terms) for g in _groups(viewer, terms)[offset : offset + limit]]
    if kind == "topics":
        return [_topic_result(t, terms) for t in _topics(viewer, terms)[offset : offset + limit]]
    return [_company_result(c, terms) for c in _companies(viewer, terms)[offset : offset + limit]]


def _top_entities(viewer: Viewer, q: str, terms: list[str]) -> list[Result]:
    people = people_directory(viewer, DirectoryFilters(q=q), limit=ENTITY_LIMIT).results
    return (
        [_person_result(viewer, person, terms) for person in people]
        + _entities(viewer, "groups", terms, offset=0, limit=3)
        + _entities(viewer, "topics", terms, offset=0, limit=3)
        + _entities(viewer, "companies", terms, offset=0, limit=3)
    )


# --- discoverable, not readable ----------------------------------------------------------------
def hints_per_minute() -> int:
    return int(getattr(settings, "HALLWAY_SEARCH_HINTS_PER_MINUTE", HINTS_PER_MINUTE_DEFAULT))


def _within_hint_rate(user_id: int) -> bool:
    """At most ``hints_per_minute()`` hint queries per person per minute (Django's cache)."""
    key = f"search:hints:{user_id}:{int(time.time() // 60)}"
    if cache.add(key, 1, timeout=120):
        return True
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=120)
        used = 1
    return used <= hints_per_minute()


def hints_for(viewer: Viewer, terms: list[str], *, query_text: str) -> tuple[list[Hint], bool]:
    """Hints about private groups the member cannot read whose owners allow them.

    Only members (never guests), only private groups (never secret), only groups with hints
    ``count`` or ``titles`` that are not archived; a group is hinted when at least
    ``HINT_MINIMUM`` posts or questions match. ``titles`` adds up to three titles, never
    bodies or comments. Rate-limited per person; each hint shown is audited.
    Returns the hints and whether the rate limit withheld them.
    """
    if not viewer.is_member or not terms or viewer.user is None:
        return [], False
    hintable = {
        pk: mode
        for pk, mode in groups_visible_to(viewer)
        .filter(
            visibility=Group.Visibility.PRIVATE,
            hints__in=[Group.Hints.COUNT, Group.Hints.TITLES],
            sensitivity__in=hint_sensitivities(viewer),  # label rules (ADR 0014)
            archived_at__isnull=True,
        )
        .values_list("pk", "hints")
        if group_label(pk) not in viewer.labels
    }
    if not hintable:
        return [], False
    if not _within_hint_rate(viewer.user.pk):
        return [], True
    matches = [
        match
        for match in get_backend().hidden_group_matches(
            terms=terms,
            group_labels=[group_label(pk) for pk in hintable],
            with_titles=[pk for pk, mode in hintable.items() if mode == Group.Hints.TITLES],
        )
        if match.count >= HINT_MINIMUM and match.group_id in hintable
    ]
    if not matches:
        return [], False
    groups = {g.pk: g for g in Group.objects.filter(pk__in=[m.group_id for m in matches])}
    owners: dict[int, list[User]] = {}
    for membership in (
        Membership.objects.filter(
            group_id__in=list(groups),
            role=Membership.Role.OWNER,
            state=Membership.State.ACTIVE,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__name")
    ):
        owners.setdefault(membership.group_id, []).append(membership.user)
    hints = []
    for match in sorted(matches, key=lambda m: -m.count):
        group = groups[match.group_id]
        titles = [title for _, title in match.titles] if group.hints == Group.Hints.TITLES else []
        hints.append(
            Hint(group=group, count=match.count, owners=owners.get(group.pk, [])[:3], titles=titles)
        )
        record_audit_event(
            actor=viewer.user,
            action="search.hint",
            target=group,
            query=query_text[:200],
            count=match.count,
            titles=titles,
        )
    return hints, False


# --- the search box ----------------------------------------------------------------------------
@dataclass
class Suggestions:
    people: list[Result]
    groups: list[Result]
    topics: list[Result]
    questions: list[Result]

    @property
    def all(self) -> list[Result]:
        return self.people + self.groups + self.topics + self.questions


def suggest(viewer: Viewer, q: str) -> Suggestions:
    """What the search box offers while typing: people, groups, topics by prefix, and titled
    posts or questions whose title words start with what was typed."""
    terms = search_terms(q)
    empty = Suggestions(people=[], groups=[], topics=[], questions=[])
    if viewer.user is None or not terms or len("".join(terms)) < 2:
        return empty
    people = people_directory(viewer, DirectoryFilters(q=q), limit=SUGGEST_LIMIT).results
    hits = get_backend().suggest(terms=terms, labels=viewer.labels, limit=SUGGEST_LIMIT)
    questions = [
        result
        for result in _content_results(viewer, hits, terms)
        if result.type in {"post", "question"}
    ]
    for result in questions:
        result.snippet = highlight(result.title, terms)
    return Suggestions(
        people=[_person_result(viewer, person, terms) for person in people],
        groups=[_group_result(g, terms) for g in _groups(viewer, terms)[:SUGGEST_LIMIT]],
        topics=[_topic_result(t, terms) for t in _topics(viewer, terms)[:SUGGEST_LIMIT]],
        questions=questions,
    )
