"""Suggestions: people, groups and topics, each with why; never hidden ones (issue 5 part 6)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hallway.api.tests.conftest import client_for
from hallway.core.permissions import viewer_for
from hallway.core.tests.factories import (
    CompanyFactory,
    GroupFactory,
    GuestFactory,
    TeamFactory,
    TopicFactory,
    UserFactory,
    add_member,
    profile_of,
)
from hallway.posts.actions import do_react
from hallway.profiles.models import Follow
from hallway.search.models import Dismissal
from hallway.search.suggestions import do_dismiss_suggestion, suggestions_for

pytestmark = pytest.mark.django_db


def _why(found: Any, kind: str) -> dict[str, list[str]]:
    return {s.target.name: s.reasons for s in getattr(found, kind)}


@pytest.fixture
def office(publish: Any, answer: Any) -> dict[str, Any]:
    team, other_team = TeamFactory(), TeamFactory()
    boss = UserFactory(name="Bea Boss")
    me = UserFactory(name="Me Myself", profile__team=team, profile__manager=boss)
    report = UserFactory(name="Rae Report", profile__manager=me)
    mate = UserFactory(name="Tim Teammate", profile__team=team)
    talker = UserFactory(name="Cat Commenter")
    skilled = UserFactory(name="Sam Skilled")
    far = UserFactory(name="Fay Faraway", profile__team=other_team)
    followed = UserFactory(name="Fred Followed", profile__team=team)
    stranger = UserFactory(name="Stan Stranger")
    sap = TopicFactory(name="SAP", slug="sap")
    profile_of(me).skills.add(sap)
    profile_of(skilled).skills.add(sap)
    Follow.objects.create(follower=me, person=followed)
    mine = publish(me, "Notes on #budgeting")
    answer(talker, mine, "Nice")
    do_react(actor=talker, kind="like", post=mine)
    publish(far, "Also on #budgeting")
    club = GroupFactory(name="Book club")
    add_member(club, mate)
    add_member(club, boss)
    secret = GroupFactory(name="Hidden den", visibility="secret", join_policy="invite")
    add_member(secret, mate)
    add_member(GroupFactory(name="Quiet corner"), stranger)
    return locals()


def test_people_groups_and_topics_with_reasons(office, django_assert_max_num_queries):
    viewer = viewer_for(office["me"])
    with django_assert_max_num_queries(18):
        found = suggestions_for(viewer, limit=10)
    people = _why(found, "people")
    assert people["Bea Boss"] == ["Your manager"]
    assert people["Rae Report"] == ["Reports to you"]
    assert people["Tim Teammate"] == ["On your team"]
    assert people["Cat Commenter"] == ["You comment on or react to each other's posts"]
    assert people["Sam Skilled"] == ["Also knows SAP"]
    assert people["Fay Faraway"] == ["Posts about #budgeting too"]
    assert "Fred Followed" not in people and "Me Myself" not in people
    assert "Stan Stranger" not in people
    assert next(iter(people)) == "Bea Boss"  # strongest signal first
    groups = _why(found, "groups")
    assert groups["Book club"] == ["2 people you know are members"]
    assert next(iter(groups)) == "Book club"
    assert "Hidden den" not in groups  # secret: never suggested to a non-member
    topics = _why(found, "topics")
    assert topics["SAP"] == ["One of your skills"]
    assert topics["budgeting"] == ["People you know post about it"]


def test_query_count_does_not_grow(office, publish):
    with CaptureQueriesContext(connection) as small:
        suggestions_for(viewer_for(office["me"]))
    for n in range(15):
        person = UserFactory(profile__team=profile_of(office["me"]).team)
        publish(person, f"More #budgeting {n}")
        add_member(GroupFactory(), person)
    with CaptureQueriesContext(connection) as large:
        suggestions_for(viewer_for(office["me"]))
    assert len(large) == len(small) <= 18


def test_dismissed_suggestions_stay_away(office):
    viewer = viewer_for(office["me"])
    do_dismiss_suggestion(viewer=viewer, kind="person", object_id=office["boss"].pk)
    do_dismiss_suggestion(viewer=viewer, kind="person", object_id=office["boss"].pk)  # harmless
    do_dismiss_suggestion(viewer=viewer, kind="group", object_id=office["club"].pk)
    found = suggestions_for(viewer, limit=10)
    assert "Bea Boss" not in _why(found, "people")
    assert "Book club" not in _why(found, "groups")
    assert Dismissal.objects.filter(user=office["me"]).count() == 2
    # What one cannot see cannot be dismissed: 404 like a missing one.
    api = client_for(office["me"])
    body = {"kind": "group", "id": office["secret"].pk}
    assert api.post("suggestions/dismissals", body).status == 404
    body = {"kind": "topic", "id": office["sap"].pk}
    assert api.post("suggestions/dismissals", body).status == 204
    assert "SAP" not in _why(suggestions_for(viewer), "topics")


def test_guests_see_only_people_they_may_find(office, publish, answer):
    partner = CompanyFactory(name="Partner")
    guest = GuestFactory(company=partner, name="Gus Guest")
    GuestFactory(company=partner, name="Gia Colleague")
    shared = GroupFactory(
        name="Joint project", visibility="private", is_external=True, companies=[partner]
    )
    add_member(shared, guest)
    add_member(shared, office["mate"])
    post = publish(office["mate"], "Kickoff #budgeting", group=shared)
    answer(guest, post, "Thanks")
    found = suggestions_for(viewer_for(guest), limit=10)
    people = _why(found, "people")
    assert set(people) <= {"Tim Teammate", "Gia Colleague"}
    assert people["Tim Teammate"] == ["You comment on or react to each other's posts"]
    assert _why(found, "groups") == {}  # guests see only their own groups


def test_api_and_pages(office):
    api = client_for(office["me"])
    body = api.get("suggestions").data
    assert body["people"][0] == {
        "target": {"id": office["boss"].pk, "name": "Bea Boss", "slug": None},
        "reasons": ["Your manager"],
    }
    assert body["groups"][0]["target"]["slug"] == office["club"].slug
    web = Client()
    web.force_login(office["me"])
    assert 'hx-get="/search/suggestions/"' in web.get("/").content.decode()
    page = web.get("/search/suggestions/").content.decode()
    assert "Bea Boss" in page and "Your manager" in page and "Hidden den" not in page
    partial = web.get("/search/suggestions/", headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<div id="suggestions-panel">')
    response = web.post(
        "/search/suggestions/dismiss/",
        {"kind": "person", "id": office["boss"].pk, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/search/suggestions/"
    assert "Bea Boss" not in web.get("/search/suggestions/").content.decode()
    assert (
        web.post("/search/suggestions/dismiss/", {"kind": "person", "id": "x"}).status_code == 400
    )
