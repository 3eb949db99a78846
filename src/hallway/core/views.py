from __future__ import annotations

from typing import Literal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from hallway.core.cursors import BadCursor
from hallway.core.errors import NotFound
from hallway.core.health import ping_database
from hallway.core.permissions import request_viewer
from hallway.feed.selectors import FeedPage, home_feed
from hallway.feed.views import is_partial
from hallway.posts.forms import composer_form_for
from hallway.profiles.access import access_person_by_id
from hallway.profiles.cards import person_cards
from hallway.profiles.org import missing_profile_fields, profile_of, recently_joined_people
from hallway.profiles.selectors import DirectoryFilters, people_directory

HOME_FEED_PAGE = 20
TEAMMATES_SHOWN = 8
NEW_PEOPLE_SHOWN = 8


@login_required
@vary_on_headers("HX-Request")
def home(request: HttpRequest) -> HttpResponse:
    """My home feed (composer on top, New/Top, "n new posts", Load more), then what is
    missing from my profile, my team and who joined recently."""
    viewer = request_viewer(request)
    if viewer.user is None:
        raise NotFound
    ordering: Literal["new", "top"] = "top" if request.GET.get("ordering") == "top" else "new"
    cursor = request.GET.get("cursor") or None
    status = 200
    try:
        feed = home_feed(viewer, cursor=cursor, limit=HOME_FEED_PAGE, ordering=ordering)
    except BadCursor:
        feed, status = FeedPage(results=[], next_cursor=None), 400
    if cursor and is_partial(request):
        return render(
            request, "feed/_post_list.html", {"page": feed, "viewer": viewer}, status=status
        )
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
    pinned = feed.pinned_ids
    newest = max((post.pk for post in feed.results if post.pk not in pinned), default=0)
    context = {
        "viewer": viewer,
        "feed": feed,
        "ordering": ordering,
        "is_later_page": bool(cursor),
        "bad_cursor": status == 400,
        "newest_post_id": newest,
        "composer_form": composer_form_for(viewer) if viewer.is_member else None,
        "me": me,
        "profile": profile,
        "missing": missing,
        "completeness": round(100 * (total - len(missing)) / total),
        "teammates": person_cards(viewer, teammates),
        "newcomers": person_cards(viewer, newcomers[:NEW_PEOPLE_SHOWN]),
    }
    return render(request, "core/home.html", context, status=status)


def healthz(request: HttpRequest) -> HttpResponse:
    ping_database()
    return JsonResponse({"status": "ok"})
