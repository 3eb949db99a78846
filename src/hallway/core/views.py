from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from hallway.core.errors import NotFound
from hallway.core.health import ping_database
from hallway.core.permissions import request_viewer
from hallway.profiles.access import access_person_by_id
from hallway.profiles.cards import person_cards
from hallway.profiles.org import missing_profile_fields, profile_of, recently_joined_people
from hallway.profiles.selectors import DirectoryFilters, people_directory

TEAMMATES_SHOWN = 8
NEW_PEOPLE_SHOWN = 8


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Welcome, what is missing from my profile, my team and who joined recently."""
    viewer = request_viewer(request)
    if viewer.user is None:
        raise NotFound
    me = access_person_by_id(viewer, viewer.user.pk)
    profile = profile_of(me)
    teammates = []
    if viewer.is_member and profile.team_id is not None:
        page = people_directory(
            viewer, DirectoryFilters(team_id=profile.team_id), limit=TEAMMATES_SHOWN + 1
        )
        teammates = [person for person in page.results if person.pk != me.pk][:TEAMMATES_SHOWN]
    newcomers = [
        p for p in recently_joined_people(viewer, limit=NEW_PEOPLE_SHOWN + 1) if p.pk != me.pk
    ]
    missing = missing_profile_fields(profile, is_member=me.is_member)
    total = 9 if me.is_member else 7
    context = {
        "viewer": viewer,
        "me": me,
        "profile": profile,
        "missing": missing,
        "completeness": round(100 * (total - len(missing)) / total),
        "teammates": person_cards(viewer, teammates),
        "newcomers": person_cards(viewer, newcomers[:NEW_PEOPLE_SHOWN]),
    }
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> HttpResponse:
    ping_database()
    return JsonResponse({"status": "ok"})
