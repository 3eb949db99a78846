"""``/teams``: the host company's team tree (members only; guests see no teams)."""

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from ninja import Query, Router

from hallway.api.auth import api_viewer
from hallway.api.pagination import PageParams, check_name_cursor, page_by_name
from hallway.api.schemas import Id, TeamDetailOut, TeamPage, responses
from hallway.api.serializers import people_json, person_ref, team_ref
from hallway.core.permissions import Viewer
from hallway.profiles.access import access_team_by_id, people_visible_to, teams_visible_to
from hallway.profiles.models import Team
from hallway.profiles.org import sub_teams_of
from hallway.profiles.selectors import DirectoryFilters, people_directory

router = Router(tags=["teams"], exclude_unset=True)


def teams_json(viewer: Viewer, teams: list[Team]) -> list[dict[str, Any]]:
    """Teams with their visible lead and count of visible members: two queries in all."""
    ids = [team.pk for team in teams]
    counts = dict(
        people_visible_to(viewer)
        .filter(profile__team_id__in=ids)
        .order_by()
        .values("profile__team_id")
        .annotate(members=Count("pk"))
        .values_list("profile__team_id", "members")
    )
    lead_ids = {team.lead_id for team in teams if team.lead_id is not None}
    leads = (
        {
            lead.pk: lead
            for lead in people_visible_to(viewer).filter(pk__in=lead_ids).only("pk", "name")
        }
        if lead_ids
        else {}
    )
    return [
        {
            **team_ref(team),
            "description": team.description,
            "parent_id": team.parent_id,
            "depth": team.depth,
            "lead": person_ref(leads[team.lead_id]) if team.lead_id in leads else None,
            "member_count": counts.get(team.pk, 0),
        }
        for team in teams
    ]


@router.get("/teams", response=responses({200: TeamPage}), summary="All teams")
def list_teams(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """Every team as a flat list by name; rebuild the tree from ``parent_id``."""
    viewer = api_viewer(request)
    teams, next_cursor = page_by_name(teams_visible_to(viewer), params)
    return {"results": teams_json(viewer, teams), "next": next_cursor}


@router.get("/teams/{team_id}", response=responses({200: TeamDetailOut}), summary="One team")
def get_team(request: HttpRequest, team_id: Id, params: Query[PageParams]) -> dict[str, Any]:
    """A team with its parent, sub-teams and one page of members (``cursor``, ``limit``)."""
    viewer = api_viewer(request)
    team = access_team_by_id(viewer, team_id)
    parent = teams_visible_to(viewer).filter(pk=team.parent_id).first() if team.parent_id else None
    check_name_cursor(params.cursor)
    members = people_directory(
        viewer, DirectoryFilters(team_id=team.pk), cursor=params.cursor, limit=params.limit
    )
    return {
        **teams_json(viewer, [team])[0],
        "parent": team_ref(parent) if parent is not None else None,
        "children": [team_ref(child) for child in sub_teams_of(viewer, team)],
        "members": {"results": people_json(viewer, members.results), "next": members.next_cursor},
    }
