"""Reads for SCIM lists: filter, sort and one page, starting from the permission layer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from hallway.profiles.models import Profile, Team
from hallway.scim.access import scim_teams_visible_to, scim_users_visible_to
from hallway.scim.filters import filter_q, order_by_for
from hallway.scim.models import ScimClient
from hallway.scim.schemas import MAX_RESULTS


@dataclass
class Page:
    total: int
    start_index: int
    items: list[Any]


def page_bounds(start_index: Any, count: Any) -> tuple[int, int]:
    """RFC 7644 §3.4.2.4: startIndex < 1 means 1; a negative count means 0; we cap count."""
    try:
        start = max(int(start_index), 1) if start_index not in (None, "") else 1
    except (TypeError, ValueError):
        start = 1
    try:
        size = int(count) if count not in (None, "") else MAX_RESULTS
    except (TypeError, ValueError):
        size = MAX_RESULTS
    return start, min(max(size, 0), MAX_RESULTS)


def _page(
    rows: QuerySet[Any], *, start: int, size: int, order: list[str], distinct: bool = False
) -> Page:
    if distinct:
        rows = rows.distinct()
    total = rows.count()
    items = list(rows.order_by(*order)[start - 1 : start - 1 + size]) if size else []
    return Page(total=total, start_index=start, items=items)


def user_page(
    client: ScimClient,
    *,
    filter_text: str | None,
    sort_by: str | None,
    sort_order: str | None,
    start_index: Any,
    count: Any,
) -> Page:
    """One page of Users matching a SCIM filter (400 invalidFilter on a bad one)."""
    rows = scim_users_visible_to(client)
    if filter_text:
        rows = rows.filter(filter_q(filter_text, resource="User"))
    start, size = page_bounds(start_index, count)
    return _page(
        rows, start=start, size=size, order=order_by_for(sort_by, sort_order, resource="User")
    )


def group_page(
    client: ScimClient,
    *,
    filter_text: str | None,
    sort_by: str | None,
    sort_order: str | None,
    start_index: Any,
    count: Any,
) -> Page:
    rows = scim_teams_visible_to(client)
    if filter_text:
        rows = rows.filter(filter_q(filter_text, resource="Group"))
    start, size = page_bounds(start_index, count)
    return _page(
        rows,
        start=start,
        size=size,
        order=order_by_for(sort_by, sort_order, resource="Group"),
        distinct=bool(filter_text and "members" in filter_text.lower()),
    )


def member_ids_by_team(teams: list[Team]) -> dict[int, list[int]]:
    """Members of each team (people SCIM may see), in one query."""
    members: dict[int, list[int]] = defaultdict(list)
    if not teams:
        return members
    rows = (
        Profile.objects.filter(team__in=teams, user__kind="member")
        .filter(Q(user__scim__isnull=True) | Q(user__scim__deleted_at__isnull=True))
        .order_by("user_id")
        .values_list("team_id", "user_id")
    )
    for team_id, user_id in rows:
        members[team_id].append(user_id)
    return members
