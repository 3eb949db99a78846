"""/people and /me: the directory, profiles, field visibility for guests, profile edits."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hallway.api.tests.conftest import ApiClient, client_for
from hallway.core.tests.factories import TeamFactory, UserFactory
from hallway.profiles.actions import do_update_profile, ensure_profile
from hallway.profiles.models import Profile

pytestmark = pytest.mark.django_db

MEMBER_ONLY = {
    "team",
    "location",
    "manager",
    "ask_me_about",
    "working_on",
    "bio",
    "languages",
    "phone",
    "contact_email",
}


def names(response):
    return [person["name"] for person in response.data["results"]]


def test_directory_lists_active_people_by_name(network):
    response = client_for(network.member).get("people", params={"limit": 100})
    assert response.status == 200
    listed = names(response)
    assert listed == sorted(listed)
    assert network.deactivated.name not in listed
    assert network.invited.name not in listed
    assert {network.guest.name, network.engineer.name} <= set(listed)
    engineer = next(p for p in response.data["results"] if p["id"] == network.engineer.pk)
    assert engineer["title"] == "Staff Engineer"
    assert engineer["team"]["slug"] == "platform"
    assert engineer["manager"]["id"] == network.manager.pk
    assert [s["slug"] for s in engineer["skills"]] == ["kubernetes", "python"]
    assert engineer["photo_url"] == reverse("person_photo", args=[network.engineer.pk])
    assert engineer["company"]["kind"] == "host"


def test_directory_filters_and_search(network):
    client = client_for(network.member)
    assert names(client.get("people", params={"q": "staff"})) == [network.engineer.name]
    assert names(client.get("people", params={"skill": "python"})) == [network.engineer.name]
    by_team = names(client.get("people", params={"team": network.engineering.pk}))
    assert by_team == [network.engineer.name, network.manager.name]  # the whole subtree
    by_sub_team = names(client.get("people", params={"team": network.platform.pk}))
    assert by_sub_team == [network.engineer.name]
    by_location = names(client.get("people", params={"location": network.berlin.pk}))
    assert by_location == [network.engineer.name, network.manager.name]
    by_company = names(client.get("people", params={"company": network.acme.pk}))
    assert by_company == [network.guest.name, network.guest_colleague.name]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"team": 999_999}, "team"),
        ({"company": 999_999}, "company"),
        ({"skill": "nope"}, "skill"),
        ({"location": 999_999}, "location"),
    ],
)
def test_unknown_filter_target_is_400(network, params, field):
    response = client_for(network.member).get("people", params=params)
    assert response.status == 400
    assert response.data["field"] == field


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 101}, {"limit": "many"}, {"team": "x"}, {"team": 2**64}]
)
def test_bad_query_parameters_are_422(network, params):
    response = client_for(network.member).get("people", params=params)
    assert response.status == 422
    assert response.detail.startswith("Invalid input.")


def test_bad_cursor_is_400(network):
    for cursor in (
        "garbage",
        "WyJhIiwgImIiXQ",
        "W10",
        "WyJhIiwgMTAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMF0",
    ):
        response = client_for(network.member).get("people", params={"cursor": cursor})
        assert response.status == 400, cursor
        assert response.data["field"] == "cursor"


def test_directory_pages_with_cursor(network):
    client = client_for(network.member)
    seen, cursor = [], None
    for _ in range(20):
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        response = client.get("people", params=params)
        seen += names(response)
        cursor = response.data["next"]
        if cursor is None:
            break
    everyone = names(client.get("people", params={"limit": 100}))
    assert seen == everyone


def test_guest_sees_only_own_company_and_only_guest_visible_fields(network):
    client = client_for(network.guest)
    listed = client.get("people")
    assert set(names(listed)) == {network.guest.name, network.guest_colleague.name}
    colleague = next(p for p in listed.data["results"] if p["id"] == network.guest_colleague.pk)
    assert colleague["title"] == "Logistics Lead"
    assert not (MEMBER_ONLY | {"skills"}) & set(colleague)
    assert "+1 555 0100" not in listed.raw.content.decode()
    detail = client.get(f"people/{network.guest_colleague.pk}")
    assert detail.status == 200
    assert not (MEMBER_ONLY | {"skills"}) & set(detail.data)
    assert "Runs the warehouses" not in detail.raw.content.decode()


def test_guest_filters_reveal_no_hidden_field(network):
    client = client_for(network.guest)
    team = client.get("people", params={"team": network.platform.pk})
    assert team.status == 400
    assert team.data["field"] == "team"
    for params in ({"skill": "python"}, {"location": network.berlin.pk}):
        response = client.get("people", params=params)
        assert response.status == 200
        assert response.data["results"] == []


def test_hidden_person_is_404_exactly_like_a_missing_one(network):
    client = client_for(network.guest)
    hidden = client.get(f"people/{network.engineer.pk}")
    missing = client.get("people/987654321")
    assert hidden.status == missing.status == 404
    assert hidden.raw.content == missing.raw.content == b'{"detail": "Not found."}'
    assert client.get(f"people/{network.other_guest.pk}").raw.content == missing.raw.content
    assert client_for(network.member).get(f"people/{network.invited.pk}").status == 404


def test_member_sees_detail_with_manager_and_reports(network):
    client = client_for(network.member)
    manager = client.get(f"people/{network.manager.pk}")
    assert manager.status == 200
    assert [r["id"] for r in manager.data["direct_reports"]] == [network.engineer.pk]
    engineer = client.get(f"people/{network.engineer.pk}")
    assert engineer.data["manager"]["name"] == network.manager.name
    assert engineer.data["is_following"] is True
    assert engineer.data["phone"] == "+49 30 1234"
    deactivated = client.get(f"people/{network.deactivated.pk}")
    assert deactivated.status == 200
    assert deactivated.data["state"] == "deactivated"


def test_directory_query_count_does_not_grow_with_page_size(network):
    host_team = TeamFactory()
    for number in range(60):
        person = UserFactory(name=f"Zed {number:02d}")
        do_update_profile(
            actor=person,
            profile=ensure_profile(person),
            changes={
                "team": host_team,
                "manager": network.manager,
                "skills": [f"Skill {number % 7}"],
            },
        )
    client = client_for(network.member)
    client.get("people")  # the token's first use writes last_used_at once
    counts = {}
    for limit in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("people", params={"limit": limit, "q": "zed"})
        assert len(response.data["results"]) == limit
        counts[limit] = len(queries)
    assert counts[5] == counts[50] <= 6  # token, labels, probe, page ids, people, skills


def test_me_shows_everything_about_me(network):
    response = client_for(network.engineer).get("me")
    assert response.status == 200
    data = response.data
    assert data["guest_visible_fields"] == ["title", "skills"]
    assert data["is_network_admin"] is False
    assert data["phone"] == "+49 30 1234"
    assert data["manager"]["id"] == network.manager.pk


def test_guest_me_has_all_own_fields(network):
    data = client_for(network.guest_colleague).get("me").data
    assert data["phone"] == "+1 555 0100"
    assert data["bio"] == "Runs the warehouses."


def test_patch_me_changes_only_sent_fields(network):
    client = client_for(network.member)
    response = client.patch(
        "me",
        {
            "title": "Data Scientist",
            "team_id": network.platform.pk,
            "location_id": network.berlin.pk,
            "manager_id": network.manager.pk,
            "skills": ["Python", "#Statistics"],
            "guest_visible_fields": ["title"],
        },
    )
    assert response.status == 200
    data = response.data
    assert data["title"] == "Data Scientist"
    assert data["team"]["id"] == network.platform.pk
    assert data["manager"]["id"] == network.manager.pk
    assert [s["slug"] for s in data["skills"]] == ["python", "statistics"]
    assert data["guest_visible_fields"] == ["title"]
    cleared = client.patch("me", {"team_id": None, "bio": None})
    assert cleared.data["team"] is None
    assert cleared.data["title"] == "Data Scientist"


def test_patch_me_rejects_a_manager_i_cannot_see(network):
    response = client_for(network.guest).patch("me", {"manager_id": network.manager.pk})
    assert response.status == 400
    assert response.data["errors"] == {"manager_id": "No such person."}
    team = client_for(network.guest).patch("me", {"team_id": network.platform.pk})
    assert team.data["errors"] == {"team_id": "No such team."}


def test_patch_me_is_all_or_nothing(network):
    client = client_for(network.member)
    response = client.patch(
        "me", {"title": "Changed", "bio": "x" * 4001, "guest_visible_fields": ["password"]}
    )
    assert response.status == 400
    assert set(response.data["errors"]) == {"bio", "guest_visible_fields"}
    assert Profile.objects.get(user=network.member).title == ""


def test_patch_me_cannot_make_a_loop(network):
    response = client_for(network.manager).patch("me", {"manager_id": network.engineer.pk})
    assert response.status == 400
    assert "manager_id" in response.data["errors"]
    assert client_for(network.manager).patch("me", {"name": "  "}).status == 400


def test_anonymous_gets_nothing(network):
    for path in ("me", "people", f"people/{network.engineer.pk}"):
        assert ApiClient().get(path).status == 401
