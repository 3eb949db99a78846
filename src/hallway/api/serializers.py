"""Turn objects the permission layer returned into API JSON, showing only what the viewer
may read. Lists pass in what they fetched in bulk, so no function here queries per row.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from hallway.accounts.models import ApiToken, User
from hallway.companies.models import Company
from hallway.core.permissions import Viewer
from hallway.profiles.access import people_visible_to, profile_fields_visible_to
from hallway.profiles.models import Location, Profile, Team, Topic
from hallway.profiles.org import direct_reports_of, is_following, profile_of

MAX_DIRECT_REPORTS = 200

# Profile fields that are plain text, in the order they appear in the JSON.
TEXT_FIELDS = (
    "title",
    "ask_me_about",
    "working_on",
    "bio",
    "languages",
    "phone",
    "contact_email",
)


def photo_url(user_id: int) -> str:
    """The profile photo (or the generated initials avatar), served by the people pages."""
    return f"/people/{user_id}/photo"


def company_ref(company: Company) -> dict[str, Any]:
    return {"id": company.pk, "name": company.name, "slug": company.slug, "kind": company.kind}


def company_json(company: Company) -> dict[str, Any]:
    return {
        **company_ref(company),
        "description": company.description,
        "website": company.website,
        "email_domain": company.email_domain,
        "logo_url": company.logo.url if company.logo else None,
    }


def team_ref(team: Team) -> dict[str, Any]:
    return {"id": team.pk, "name": team.name, "slug": team.slug}


def location_json(location: Location) -> dict[str, Any]:
    return {
        "id": location.pk,
        "name": location.name,
        "country": location.country,
        "timezone": location.timezone,
    }


def topic_json(topic: Topic) -> dict[str, Any]:
    return {"id": topic.pk, "slug": topic.slug, "name": topic.name}


def person_ref(person: User) -> dict[str, Any]:
    return {"id": person.pk, "name": person.name, "photo_url": photo_url(person.pk)}


def token_json(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
    }


def loaded_profile(person: User) -> Profile | None:
    try:
        return person.profile
    except ObjectDoesNotExist:
        return None


def visible_people_ids(viewer: Viewer, ids: Iterable[int | None]) -> set[int]:
    """Which of these people the viewer may see, in one query."""
    wanted = {pk for pk in ids if pk is not None}
    if not wanted:
        return set()
    return set(people_visible_to(viewer).filter(pk__in=wanted).values_list("pk", flat=True))


def person_json(
    viewer: Viewer,
    person: User,
    *,
    visible_manager_ids: set[int],
    profile: Profile | None = None,
) -> dict[str, Any]:
    """A person with only the profile fields this viewer may read; hidden ones are omitted.

    ``person`` comes with company and profile (team, location, manager, skills) loaded.
    """
    profile = profile if profile is not None else loaded_profile(person)
    if profile is None:
        profile = Profile(user=person, guest_visible_fields=[])  # not saved: nothing to show
    fields = profile_fields_visible_to(viewer, profile)
    data: dict[str, Any] = {
        "id": person.pk,
        "name": person.name,
        "kind": person.kind,
        "state": person.state,
        "company": company_ref(person.company),
        "photo_url": photo_url(person.pk),
    }
    for name in TEXT_FIELDS:
        if name in fields:
            data[name] = getattr(profile, name)
    if "team" in fields:
        data["team"] = team_ref(profile.team) if profile.team_id and profile.team else None
    if "location" in fields:
        location = profile.location if profile.location_id else None
        data["location"] = location_json(location) if location else None
    if "manager" in fields:
        manager = profile.manager if profile.manager_id in visible_manager_ids else None
        data["manager"] = person_ref(manager) if manager is not None else None
    if "skills" in fields:
        saved = not profile._state.adding
        data["skills"] = [topic_json(t) for t in profile.skills.all()] if saved else []
    return data


def people_json(viewer: Viewer, people: list[User]) -> list[dict[str, Any]]:
    """Many people fetched with ``with_profile_data``: one extra query for their managers."""
    profiles = {person.pk: loaded_profile(person) for person in people}
    manager_ids = visible_people_ids(
        viewer, (p.manager_id for p in profiles.values() if p is not None)
    )
    return [
        person_json(viewer, person, visible_manager_ids=manager_ids, profile=profiles[person.pk])
        for person in people
    ]


def admin_people_json(viewer: Viewer, people: list[User]) -> list[dict[str, Any]]:
    """People for a network admin (every field, account state, roles): one extra query."""
    return [
        {
            **data,
            "email": person.email,
            "is_network_admin": person.is_network_admin,
            "is_compliance_officer": person.is_compliance_officer,
            "date_joined": person.date_joined,
            "deactivated_at": person.deactivated_at,
        }
        for person, data in zip(people, people_json(viewer, people), strict=True)
    ]


def person_detail_json(
    viewer: Viewer, person: User, *, profile: Profile | None = None
) -> dict[str, Any]:
    """One person's full page as the viewer may see it: profile, manager, direct reports."""
    profile = profile if profile is not None else profile_of(person)
    fields = profile_fields_visible_to(viewer, profile)
    manager_ids = visible_people_ids(viewer, [profile.manager_id] if "manager" in fields else [])
    # A report is listed only if the viewer may read that report's own manager field.
    reports = [
        report
        for report in direct_reports_of(viewer, person, limit=MAX_DIRECT_REPORTS)
        if (report_profile := loaded_profile(report)) is not None
        and "manager" in profile_fields_visible_to(viewer, report_profile)
    ]
    return {
        **person_json(viewer, person, visible_manager_ids=manager_ids, profile=profile),
        "direct_reports": [person_ref(report) for report in reports],
        "is_following": viewer.user_id != person.pk and is_following(viewer, person=person),
    }
