"""Reads for people pages and the API, with their prefetches."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from hallway.accounts.models import User
from hallway.core.permissions import Viewer
from hallway.profiles.access import people_visible_to
from hallway.profiles.models import Topic

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    team_id: int | None = None
    location_id: int | None = None
    skill_slug: str | None = None
    company_id: int | None = None


@dataclass(frozen=True)
class DirectoryPage:
    results: list[User]
    next_cursor: str | None


class BadCursor(ValueError):
    pass


def encode_cursor(name: str, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([name, pk]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(name, str) or not isinstance(pk, int):
            raise TypeError
    except (ValueError, TypeError) as exc:
        raise BadCursor("Invalid cursor.") from exc
    return name, pk


def with_profile_data(people: QuerySet[User]) -> QuerySet[User]:
    """What a person card shows, fetched in a fixed number of queries."""
    return people.select_related(
        "company", "profile", "profile__team", "profile__location", "profile__manager"
    ).prefetch_related(Prefetch("profile__skills", queryset=Topic.objects.order_by("name")))


def people_directory(
    viewer: Viewer,
    filters: DirectoryFilters,
    *,
    cursor: str | None = None,
    limit: int = DEFAULT_PAGE_SIZE,
) -> DirectoryPage:
    """One page of the people directory, ordered by name, filtered and searched.

    Keyset pagination on (name, id): every page costs the same whatever its depth.
    """
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    people = people_visible_to(viewer)
    if filters.team_id is not None:
        people = people.filter(profile__team_id=filters.team_id)
    if filters.location_id is not None:
        people = people.filter(profile__location_id=filters.location_id)
    if filters.company_id is not None:
        people = people.filter(company_id=filters.company_id)
    if filters.skill_slug:
        people = people.filter(profile__skills__slug=filters.skill_slug)
    for term in filters.q.lower().split()[:5]:
        people = people.filter(profile__search_text__contains=term)
    if cursor:
        name, pk = decode_cursor(cursor)
        people = people.filter(Q(name__gt=name) | Q(name=name, pk__gt=pk))
    rows = list(with_profile_data(people.order_by("name", "pk"))[: limit + 1])
    next_cursor = encode_cursor(rows[limit - 1].name, rows[limit - 1].pk) if len(rows) > limit else None
    return DirectoryPage(results=rows[:limit], next_cursor=next_cursor)
