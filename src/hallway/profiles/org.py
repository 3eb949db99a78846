"""Reads for the org chart, team pages and profile pages, each in a fixed number of queries.

Everything starts from the permission layer (``people_visible_to``, ``teams_visible_to``);
the manager chain is read with one recursive query whatever its depth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet

from hallway.accounts.models import User
from hallway.core.permissions import Viewer
from hallway.profiles.access import (
    people_visible_to,
    profile_fields_visible_to,
    teams_visible_to,
)
from hallway.profiles.models import Follow, Profile, Team
from hallway.profiles.selectors import with_profile_data

MAX_CHAIN_DEPTH = 20
MAX_REPORTS_SHOWN = 200
MAX_PEERS_SHOWN = 50
MAX_TEAM_ANCESTORS = 12


@dataclass(frozen=True)
class OrgChart:
    person: User
    chain: list[User]  # top of the hierarchy first, the person's own manager last
    chain_truncated: bool
    reports: list[User]
    reports_total: int
    peers: list[User]


@dataclass
class TeamNode:
    team: Team
    children: list[TeamNode] = field(default_factory=list)


def profile_of(person: User) -> Profile:
    """The person's profile with what the profile page shows, or an empty unsaved one."""
    profile = (
        Profile.objects.select_related("team", "location", "manager")
        .prefetch_related("skills")
        .filter(user_id=person.pk)
        .first()
    )
    if profile is None:
        profile = Profile(user=person, guest_visible_fields=list(Profile.DEFAULT_GUEST_VISIBLE))
    profile.user = person
    return profile


def visible_fields(viewer: Viewer, person: User) -> frozenset[str]:
    """Fields of this person's profile the viewer may read, without extra queries."""
    profile = _loaded_profile(person)
    if profile is None:
        return profile_fields_visible_to(viewer, Profile(user=person, guest_visible_fields=[]))
    return profile_fields_visible_to(viewer, profile)


def _loaded_profile(person: User) -> Profile | None:
    try:
        return person.profile
    except Profile.DoesNotExist:
        return None


def manager_chain_ids(person_id: int) -> tuple[list[int], bool]:
    """Ids of the managers above a person, nearest first, in one recursive query.

    Returns the ids and whether the chain was cut at ``MAX_CHAIN_DEPTH`` (a deeper chain
    or a loop that slipped past validation).
    """
    table = connection.ops.quote_name(Profile._meta.db_table)
    sql = (
        f"WITH RECURSIVE chain(user_id, manager_id, depth) AS ("  # noqa: S608 (table name only)
        f" SELECT user_id, manager_id, 0 FROM {table} WHERE user_id = %s"
        f" UNION ALL"
        f" SELECT p.user_id, p.manager_id, c.depth + 1 FROM {table} p"
        f" JOIN chain c ON p.user_id = c.manager_id WHERE c.depth < %s"
        f") SELECT user_id, manager_id, depth FROM chain ORDER BY depth"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [person_id, MAX_CHAIN_DEPTH])
        rows = cursor.fetchall()
    ids: list[int] = []
    seen = {person_id}
    truncated = False
    for _user_id, manager_id, depth in rows:
        if manager_id is None:
            break
        if manager_id in seen:
            truncated = True
            break
        seen.add(manager_id)
        ids.append(manager_id)
        if depth >= MAX_CHAIN_DEPTH:
            truncated = True
    return ids, truncated


def direct_reports_of(viewer: Viewer, person: User, *, limit: int) -> QuerySet[User]:
    """People the viewer may see who report to this person, by name."""
    return (
        people_visible_to(viewer)
        .filter(profile__manager_id=person.pk)
        .select_related("profile", "profile__team")
        .order_by("name", "pk")[:limit]
    )


def org_chart_for(viewer: Viewer, person: User) -> OrgChart:
    """The manager chain to the top, the person, their direct reports and their peers.

    Bounded: one recursive query for the chain, one for the visible managers, one for the
    reports, one count and one for the peers, whatever the depth or the number of reports.
    """
    chain_ids, truncated = manager_chain_ids(person.pk)
    managers = {
        m.pk: m
        for m in people_visible_to(viewer)
        .filter(pk__in=chain_ids)
        .select_related("profile", "profile__team")
    }
    chain = [managers[i] for i in reversed(chain_ids) if i in managers]
    reports_qs = people_visible_to(viewer).filter(profile__manager_id=person.pk)
    reports = list(
        reports_qs.select_related("profile", "profile__team").order_by("name", "pk")[
            :MAX_REPORTS_SHOWN
        ]
    )
    reports_total = len(reports)
    if reports_total == MAX_REPORTS_SHOWN:
        reports_total = reports_qs.count()
    peers: list[User] = []
    if chain_ids:
        peers = list(
            people_visible_to(viewer)
            .filter(profile__manager_id=chain_ids[0])
            .exclude(pk=person.pk)
            .select_related("profile", "profile__team")
            .order_by("name", "pk")[:MAX_PEERS_SHOWN]
        )
    return OrgChart(
        person=person,
        chain=chain,
        chain_truncated=truncated,
        reports=reports,
        reports_total=reports_total,
        peers=peers,
    )


def team_tree_for(viewer: Viewer) -> list[TeamNode]:
    """The visible teams as a tree (roots first), in one query."""
    teams = list(teams_visible_to(viewer).order_by("depth", "name"))
    nodes = {team.pk: TeamNode(team=team) for team in teams}
    roots: list[TeamNode] = []
    for team in teams:
        parent = nodes.get(team.parent_id) if team.parent_id else None
        (parent.children if parent is not None else roots).append(nodes[team.pk])
    return roots


def team_ancestors(viewer: Viewer, team: Team) -> list[Team]:
    """The parent teams of a team, root first; one query per level, capped."""
    ancestors: list[Team] = []
    parent_id = team.parent_id
    visible = teams_visible_to(viewer)
    while parent_id is not None and len(ancestors) < MAX_TEAM_ANCESTORS:
        parent = visible.filter(pk=parent_id).first()
        if parent is None or parent in ancestors:
            break
        ancestors.append(parent)
        parent_id = parent.parent_id
    return list(reversed(ancestors))


def sub_teams_of(viewer: Viewer, team: Team) -> QuerySet[Team]:
    return teams_visible_to(viewer).filter(parent_id=team.pk).order_by("name")


def visible_person(viewer: Viewer, user_id: int | None) -> User | None:
    """A person the viewer may see (for a team lead or a manager link), or None."""
    if user_id is None:
        return None
    return people_visible_to(viewer).filter(pk=user_id).first()


def recently_joined_people(viewer: Viewer, *, limit: int = 8) -> list[User]:
    """The newest people the viewer may see.

    Ordered by id, which follows the order people were added, so the primary key index
    answers it in O(limit) at any size.
    """
    return list(with_profile_data(people_visible_to(viewer)).order_by("-pk")[:limit])


def is_following(viewer: Viewer, **target: object) -> bool:
    """Whether the viewer follows the one person, topic or company given."""
    if viewer.user is None:
        return False
    return Follow.objects.filter(follower_id=viewer.user.pk, **target).exists()


PROFILE_COMPLETENESS_FIELDS = (
    ("photo", "a photo"),
    ("title", "your title"),
    ("team", "your team"),
    ("location", "your location"),
    ("manager", "your manager"),
    ("skills", "your skills"),
    ("ask_me_about", "what people can ask you about"),
    ("working_on", "what you are working on"),
    ("bio", "a short bio"),
)


def missing_profile_fields(profile: Profile, *, is_member: bool) -> list[tuple[str, str]]:
    """(field, description) pairs still empty on this profile; guests have no team/manager."""
    missing: list[tuple[str, str]] = []
    for name, description in PROFILE_COMPLETENESS_FIELDS:
        if not is_member and name in {"team", "manager"}:
            continue
        if name == "skills":
            empty = profile.pk is None or not profile.skills.all()
        elif name in {"team", "location", "manager"}:
            empty = getattr(profile, f"{name}_id") is None
        else:
            empty = not getattr(profile, name)
        if empty:
            missing.append((name, description))
    return missing


def photo_profile_of(person: User) -> Profile | None:
    """Just the photo and its version, for serving the picture of a person already checked."""
    return Profile.objects.filter(user_id=person.pk).only("user_id", "photo", "updated_at").first()
