"""Feed and mute endpoints, every response validated against the OpenAPI document."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallway.api.tests.conftest import ApiClient, client_for
from hallway.core.tests.factories import (
    CompanyFactory,
    GroupFactory,
    GuestFactory,
    TopicFactory,
    UserFactory,
    add_member,
)
from hallway.posts.actions import do_create_post
from hallway.profiles.actions import do_follow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


@pytest.fixture
def world() -> dict[str, Any]:
    me, friend, other = UserFactory(), UserFactory(), UserFactory()
    guest = GuestFactory()
    group = GroupFactory()
    secret = GroupFactory(visibility="secret", join_policy="invite")
    private = GroupFactory(visibility="private", join_policy="request")
    external = GroupFactory(
        visibility="private", join_policy="invite", is_external=True, companies=[guest.company]
    )
    add_member(group, me)
    add_member(group, other)
    add_member(secret, friend)
    add_member(private, friend)
    add_member(external, guest)
    add_member(external, friend)
    customer = CompanyFactory()
    topic = TopicFactory(name="Kubernetes", slug="kubernetes")
    do_follow(follower=me, person=friend)
    posts = {
        "friend": do_create_post(author=friend, body="Hello from friend #kubernetes"),
        "group": do_create_post(author=other, body="In my group", group=group),
        "secret": do_create_post(author=friend, body="Secret plans", group=secret),
        "private": do_create_post(author=friend, body="Private plans", group=private),
        "external": do_create_post(author=friend, body="With partners", group=external),
        "company": do_create_post(author=other, body="About a customer", company=customer),
        "network": do_create_post(author=other, body="Someone else"),
    }
    return {
        "me": me,
        "friend": friend,
        "guest": guest,
        "group": group,
        "secret": secret,
        "private": private,
        "external": external,
        "customer": customer,
        "topic": topic,
        "posts": posts,
    }


def result_ids(response: Any) -> list[int]:
    return [row["id"] for row in response.data["results"]]


def test_home_feed_lists_sources_newest_first(world: dict[str, Any]) -> None:
    api = client_for(world["me"])
    response = api.get("feed")
    assert response.status == 200
    posts = world["posts"]
    assert result_ids(response) == [posts["group"].pk, posts["friend"].pk]
    first = response.data["results"][1]
    assert first["author"]["id"] == world["friend"].pk
    assert first["container"]["type"] == "network"


def test_home_feed_pages_with_a_cursor(world: dict[str, Any]) -> None:
    api = client_for(world["me"])
    first = api.get("feed", params={"limit": 1})
    assert len(first.data["results"]) == 1 and first.data["next"]
    second = api.get("feed", params={"limit": 1, "cursor": first.data["next"]})
    assert result_ids(second) != result_ids(first)
    assert second.data["next"] is None
    assert api.get("feed", params={"ordering": "top"}).status == 200


def test_bad_cursor_and_ordering_are_4xx(world: dict[str, Any]) -> None:
    api = client_for(world["me"])
    assert api.get("feed", params={"cursor": "nonsense"}).status == 400
    assert api.get("feed", params={"ordering": "best"}).status == 422
    assert api.get("feed", params={"limit": 0}).status == 422


def test_new_posts_count(world: dict[str, Any]) -> None:
    api = client_for(world["me"])
    newest = result_ids(api.get("feed"))[0]
    assert api.get("feed/new", params={"since": newest}).data == {"count": 0, "capped": False}
    do_create_post(author=world["friend"], body="Newer")
    assert api.get("feed/new", params={"since": newest}).data["count"] == 1
    assert api.get("feed/new").status == 422


def test_anonymous_gets_401(anonymous: ApiClient) -> None:
    for path in ("feed", "feed/new?since=1", "network/posts", "mutes"):
        assert anonymous.get(path).status == 401


def test_group_posts_hidden_group_is_404_and_private_is_403(world: dict[str, Any]) -> None:
    me = client_for(world["me"])
    assert result_ids(me.get(f"groups/{world['group'].pk}/posts")) == [world["posts"]["group"].pk]
    assert me.get(f"groups/{world['secret'].pk}/posts").status == 404
    assert me.get("groups/999999/posts").status == 404
    assert me.get(f"groups/{world['private'].pk}/posts").status == 403
    friend = client_for(world["friend"])
    assert result_ids(friend.get(f"groups/{world['secret'].pk}/posts")) == [
        world["posts"]["secret"].pk
    ]


def test_guest_sees_only_their_external_group(world: dict[str, Any]) -> None:
    guest = client_for(world["guest"])
    assert result_ids(guest.get("feed")) == [world["posts"]["external"].pk]
    assert guest.get("network/posts").status == 403
    assert guest.get(f"companies/{world['guest'].company_id}/posts").status == 403
    assert guest.get(f"groups/{world['group'].pk}/posts").status == 404
    friend_posts = guest.get(f"people/{world['friend'].pk}/posts")
    assert result_ids(friend_posts) == [world["posts"]["external"].pk]


def test_person_topic_company_and_network_posts(world: dict[str, Any]) -> None:
    api = client_for(world["me"])
    posts = world["posts"]
    assert result_ids(api.get(f"people/{world['friend'].pk}/posts")) == [posts["friend"].pk]
    assert result_ids(api.get("topics/kubernetes/posts")) == [posts["friend"].pk]
    assert api.get("topics/no-such-topic/posts").status == 404
    company = api.get(f"companies/{world['customer'].pk}/posts")
    assert result_ids(company) == [posts["company"].pk]
    network = result_ids(api.get("network/posts"))
    assert posts["network"].pk in network and posts["group"].pk not in network


def test_mutes_roundtrip(world: dict[str, Any]) -> None:
    api = client_for(world["me"])
    created = api.post("mutes", {"person_id": world["friend"].pk})
    assert created.status == 201 and created.data["type"] == "person"
    assert world["posts"]["friend"].pk not in result_ids(api.get("feed"))
    assert api.post("mutes", {"group_id": world["group"].pk}).status == 201
    assert api.post("mutes", {"topic": "#Kubernetes"}).status == 201
    assert api.post("mutes", {"group_id": world["secret"].pk}).status == 404
    assert api.post("mutes", {"person_id": world["me"].pk}).status == 400
    assert api.post("mutes", {}).status == 400
    listed = api.get("mutes")
    assert {row["type"] for row in listed.data["results"]} == {"person", "group", "topic"}
    assert api.delete(f"mutes?person_id={world['friend'].pk}").status == 204
    assert world["posts"]["friend"].pk not in result_ids(api.get("feed"))  # topic still muted
    assert api.delete("mutes", {"topic": "kubernetes"}).status == 204
    assert world["posts"]["friend"].pk in result_ids(api.get("feed"))
    assert len(api.get("mutes").data["results"]) == 1


@pytest.mark.parametrize("path", ["feed", "network/posts", "groups/{group}/posts"])
def test_query_count_does_not_depend_on_limit(world: dict[str, Any], path: str) -> None:
    for n in range(12):
        do_create_post(author=world["friend"], body=f"More {n}")
        do_create_post(author=world["friend"], body=f"Group {n}", group=world["external"])
        do_create_post(author=world["me"], body=f"Mine {n}", group=world["group"])
    api = client_for(world["me"])
    url = path.format(group=world["group"].pk)
    api.get(url)  # the token's first use writes last_used_at; not part of a page
    counts = []
    for limit in (5, 50):
        with CaptureQueriesContext(connection) as captured:
            response = api.get(url, params={"limit": limit})
        assert response.status == 200 and len(response.data["results"]) >= 5
        counts.append(len(captured))
    assert counts[0] == counts[1]
