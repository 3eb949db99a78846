"""``/people``: the directory (filters, search) and one person's profile."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field

from hallway.api.auth import api_viewer
from hallway.api.pagination import PageParams, check_name_cursor
from hallway.api.schemas import Id, PersonDetailOut, PersonPage, ShortText, responses
from hallway.api.serializers import people_json, person_detail_json
from hallway.companies.access import access_company_by_id
from hallway.core.errors import ActionError, NotFound
from hallway.core.permissions import Viewer
from hallway.profiles.access import (
    access_person_by_id,
    access_team_by_id,
    access_topic_by_slug,
    locations_visible_to,
)
from hallway.profiles.selectors import DirectoryFilters, people_directory

T = TypeVar("T")

router = Router(tags=["people"], exclude_unset=True)


class DirectoryParams(PageParams):
    q: ShortText = Field("", description="Words to find in name, title, skills, ask-me-about.")
    team: Id | None = Field(None, description="A team's id (members only).")
    location: Id | None = Field(None, description="A location's id (members only).")
    skill: ShortText | None = Field(None, description="A skill's topic slug (members only).")
    company: Id | None = Field(None, description="A company's id.")


def _known(field: str, lookup: Callable[[], T]) -> T:
    """The filter's target, or a 400 naming the field (an unknown filter is bad input)."""
    try:
        return lookup()
    except NotFound as exc:
        raise ActionError(f"No such {field}.", field=field) from exc


def _directory_filters(viewer: Viewer, params: DirectoryParams) -> DirectoryFilters:
    """Check each filter's target through the permission layer: unknown → 400 on that field.

    Guests see no teams, so a team filter is unknown to them; ``people_directory`` narrows
    their location and skill filters to people who show those fields to guests.
    """
    filters: dict[str, Any] = {"q": params.q.strip()}
    if params.team is not None:
        team_id = params.team
        filters["team_id"] = _known("team", lambda: access_team_by_id(viewer, team_id)).pk
    if params.company is not None:
        company_id = params.company
        filters["company_id"] = _known(
            "company", lambda: access_company_by_id(viewer, company_id)
        ).pk
    if params.skill is not None:
        slug = params.skill.strip()
        filters["skill_slug"] = _known("skill", lambda: access_topic_by_slug(viewer, slug)).slug
    if params.location is not None:
        location = locations_visible_to(viewer).filter(pk=params.location).first()
        if location is None:
            raise ActionError("No such location.", field="location")
        filters["location_id"] = location.pk
    return DirectoryFilters(**filters)


@router.get("/people", response=responses({200: PersonPage}), summary="The people directory")
def list_people(request: HttpRequest, params: Query[DirectoryParams]) -> dict[str, Any]:
    """Active people you may see, by name; each with only the fields you may read."""
    viewer = api_viewer(request)
    check_name_cursor(params.cursor)
    page = people_directory(
        viewer, _directory_filters(viewer, params), cursor=params.cursor, limit=params.limit
    )
    return {"results": people_json(viewer, page.results), "next": page.next_cursor}


@router.get("/people/{person_id}", response=responses({200: PersonDetailOut}), summary="One person")
def get_person(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    """A person's profile with the fields you may read, their manager and direct reports.

    A person you may not see answers exactly like one who does not exist.
    """
    viewer = api_viewer(request)
    return person_detail_json(viewer, access_person_by_id(viewer, person_id))
