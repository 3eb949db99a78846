"""Reads for people pages and the API, with their prefetches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL

from hallway.accounts.models import User
from hallway.core.cursors import decode_cursor, encode_cursor
from hallway.core.permissions import Viewer
from hallway.profiles.access import people_visible_to
from hallway.profiles.models import Profile, Team, Topic
from hallway.profiles.search import match_people, name_matches, search_terms

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


def encode_directory_cursor(name: str, pk: int) -> str:
    return encode_cursor(name, pk)


def decode_directory_cursor(cursor: str) -> tuple[str, int]:
    name, pk = decode_cursor(cursor, str, int)
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

    Starts from ``people_visible_to(viewer)``, so permissions apply in the same SQL. Keyset
    pagination on (name, id): every page costs the same whatever its depth. Queries: one
    bounded index probe when searching (see ``profiles/search.py``), the page's ids, the
    people on it, their skills.
    A team filter covers the team's whole subtree. Guests search by name only and filter
    only on what they may see (no teams; location and skills where the person shows them).
    """
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    # ``is_active IN (1)`` repeats the permission layer's is_active filter in a form SQLite
    # can use with the (is_active, name) index; the bare boolean column it gets otherwise
    # makes SQLite sort every person for the first page.
    people = people_visible_to(viewer).filter(is_active__in=[True])
    if cursor:
        name, pk = decode_directory_cursor(cursor)
        people = people.filter(Q(name__gte=name), Q(name__gt=name) | Q(name=name, pk__gt=pk))
    guest = not viewer.is_member
    if filters.team_id is not None:
        if guest:
            return DirectoryPage(results=[], next_cursor=None)
        people = people.filter(profile__team_id__in=_team_subtree_ids(filters.team_id))
    if filters.location_id is not None:
        people = people.filter(profile__location_id=filters.location_id)
        if guest:
            people = people.filter(_shows_field(viewer, "location"))
    if filters.company_id is not None:
        people = people.filter(company_id=filters.company_id)
    if filters.skill_slug:
        people = people.filter(
            pk__in=Profile.skills.through.objects.filter(topic__slug=filters.skill_slug).values(
                "profile_id"
            )
        )
        if guest:
            people = people.filter(_shows_field(viewer, "skills"))
    terms = search_terms(filters.q)
    order_by_name: Any = "name"
    if terms:
        if guest:
            people = people.filter(name_matches(terms))
        else:
            match = match_people(terms)
            people = people.filter(match.condition)
            if match.is_sparse:
                # Few matches: sort them. Ordering by an expression (same order as the name)
                # keeps the planner from walking the name index looking for them.
                order_by_name = RawSQL(f'"{User._meta.db_table}"."name" || \'\'', [])  # noqa: S611
    # First the page's ids (a narrow query the planner can sort cheaply), then the cards for
    # just those: joining team, location, manager… before the sort cost 20-30 ms on
    # PostgreSQL for a thousand matches.
    page_ids = list(people.order_by(order_by_name, "pk").values_list("pk", flat=True)[: limit + 1])
    by_id = {p.pk: p for p in with_profile_data(people_visible_to(viewer).filter(pk__in=page_ids))}
    rows = [by_id[pk] for pk in page_ids if pk in by_id]
    next_cursor = (
        encode_directory_cursor(rows[limit - 1].name, rows[limit - 1].pk)
        if len(rows) > limit
        else None
    )
    return DirectoryPage(results=rows[:limit], next_cursor=next_cursor)


def _team_subtree_ids(team_id: int) -> RawSQL:
    """The team and every team below it, as a subquery of the page query (no extra query)."""
    table = Team._meta.db_table
    return RawSQL(  # noqa: S611 (constant SQL, bound parameter)
        f"WITH RECURSIVE subtree(id) AS ("  # noqa: S608
        f"SELECT id FROM {table} WHERE id = %s "
        f"UNION ALL SELECT t.id FROM {table} t JOIN subtree s ON t.parent_id = s.id"
        f") SELECT id FROM subtree",
        [team_id],
    )


def _shows_field(viewer: Viewer, field: str) -> Q:
    """People who show ``field`` to guests (and the viewer, who always sees their own)."""
    return Q(profile__guest_visible_fields__icontains=f'"{field}"') | Q(pk=viewer.user_id)
