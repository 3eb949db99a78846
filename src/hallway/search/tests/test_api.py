"""The search API, validated against the OpenAPI document."""

from __future__ import annotations

from hallway.api.tests.conftest import client_for
from hallway.core.tests.factories import GuestFactory
from hallway.groups.models import Membership


def test_search_results_hints_and_next(place, publish, answer):
    for n in range(3):
        publish(place.owner, f"falcon tender {n}", title=f"Falcon {n}", group=place.titled)
    mine = [publish(place.owner, f"falcon note {n}") for n in range(3)]
    api = client_for(place.member)
    body = api.get("search", params={"q": "falcon", "limit": 2}).data
    assert [r["type"] for r in body["results"]] == ["post", "post"]
    assert body["next"]
    assert "<mark>falcon</mark>" in body["results"][0]["snippet"]
    [hint] = body["hints"]
    assert hint["group"]["id"] == place.titled.pk and hint["count"] == 3
    assert sorted(hint["titles"]) == ["Falcon 0", "Falcon 1", "Falcon 2"]
    assert hint["owners"][0]["name"] == "Olga Owner"
    rest = api.get("search", params={"q": "falcon", "cursor": body["next"]}).data
    found = {r["id"] for r in body["results"] + rest["results"]}
    assert found == {p.pk for p in mine}
    assert rest["hints"] == []
    # Ask for access where the hint says; the owners decide.
    response = api.post(hint["request_access"], {"reason": "I bid on Falcon"})
    assert response.status == 201
    assert Membership.objects.get(group=place.titled, user=place.member).state == "requested"


def test_search_errors_and_types(place, publish):
    api = client_for(place.member)
    assert api.get("search", params={"q": "x", "cursor": "nope"}).status == 400
    assert api.get("search", params={"q": "x", "group": place.secret.pk}).status == 400
    assert api.get("search", params={"q": "x", "topic": "nope"}).status == 400
    assert api.get("search", params={"q": "x", "type": "bogus"}).status == 422
    assert (
        api.get("search", params={"q": "x", "start": "2026-02-02", "end": "2026-01-01"}).status
        == 400
    )
    assert (
        api.get("search", params={"q": "bid", "type": "groups"}).data["results"][0]["title"]
        == "Bid team Acme"
    )
    assert (
        api.get("search", params={"q": "olga", "type": "people"}).data["results"][0]["type"]
        == "person"
    )
    assert api.get("search", params={"q": ""}).data == {"results": [], "hints": [], "next": None}


def test_suggest_and_experts(place, publish, answer):
    question = publish(place.colleague, "Budget? #budgeting", title="Budget rules", kind="question")
    answer(place.owner, question, "Ask finance")
    api = client_for(place.member)
    titles = [r["title"] for r in api.get("search/suggest", params={"q": "budg"}).data["results"]]
    assert "Budget rules" in titles and "#budgeting" in titles
    body = api.get("experts", params={"topic": "budgeting"}).data
    assert body["topic"]["slug"] == "budgeting"
    assert body["results"][0]["person"]["name"] == "Olga Owner"
    assert body["results"][0]["reasons"] == ["1 answer on #budgeting"]
    assert api.get("experts", params={"topic": "unknown"}).data == {"topic": None, "results": []}
    guest = client_for(GuestFactory())
    assert guest.get("experts", params={"topic": "budgeting"}).data["results"] == []
    found = guest.get("search", params={"q": "budget"}).data["results"]
    assert [r["type"] for r in found] == ["topic"]  # topics are for everyone; posts are not
