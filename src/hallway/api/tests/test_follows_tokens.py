"""/follows, /topics and /tokens."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallway.accounts.models import ApiToken
from hallway.api.tests.conftest import ApiClient, client_for
from hallway.core.tests.factories import TopicFactory, UserFactory
from hallway.profiles.actions import do_follow
from hallway.profiles.models import Follow

pytestmark = pytest.mark.django_db


def test_follow_list_and_unfollow_each_kind(network):
    client = client_for(network.member)
    assert client.post("follows", {"person_id": network.manager.pk}).status == 201
    assert client.post("follows", {"topic": "Python"}).status == 201
    assert client.post("follows", {"topic": "kubernetes"}).status == 201
    created = client.post("follows", {"company_id": network.acme.pk})
    assert created.data == {
        "type": "company",
        "person": None,
        "topic": None,
        "company": {
            "id": network.acme.pk,
            "name": "Acme Logistics",
            "slug": "acme",
            "kind": "customer",
        },
    }
    again = client.post("follows", {"company_id": network.acme.pk})
    assert again.status == 201
    listed = client.get("follows").data["results"]
    assert [f["type"] for f in listed] == ["person", "person", "topic", "topic", "company"]
    topics = client.get("follows", params={"type": "topic"}).data["results"]
    assert [f["topic"]["slug"] for f in topics] == ["kubernetes", "python"]

    assert client.delete("follows", params={"topic": "python"}).status == 204
    assert client.delete("follows", {"company_id": network.acme.pk}).status == 204
    remaining = [f["type"] for f in client.get("follows").data["results"]]
    assert remaining == ["person", "person", "topic"]


def test_follow_pages_cross_types(network):
    client = client_for(network.member)
    client.post("follows", {"topic": "python"})
    client.post("follows", {"company_id": network.acme.pk})
    seen, cursor = [], None
    for _ in range(10):
        response = client.get(
            "follows", params={"limit": 1, **({"cursor": cursor} if cursor else {})}
        )
        seen += [f["type"] for f in response.data["results"]]
        cursor = response.data["next"]
        if cursor is None:
            break
    assert seen == ["person", "topic", "company"]


def test_follow_targets_go_through_the_permission_layer(network):
    guest = client_for(network.guest)
    for body in (
        {"person_id": network.engineer.pk},
        {"company_id": network.globex.pk},
        {"topic": "no-such-topic"},
    ):
        response = guest.post("follows", body)
        assert response.status == 404, body
        assert response.data == {"detail": "Not found."}
    assert not Follow.objects.filter(follower=network.guest).exists()


@pytest.mark.parametrize(
    "body",
    [{}, {"person_id": 1, "topic": "python"}, {"topic": ""}],
)
def test_follow_needs_exactly_one_target(network, body):
    response = client_for(network.member).post("follows", body)
    assert response.status == 400
    assert "exactly one" in response.detail


def test_cannot_follow_self_or_deactivated(network):
    client = client_for(network.member)
    assert client.post("follows", {"person_id": network.member.pk}).status == 400
    assert client.post("follows", {"person_id": network.deactivated.pk}).status == 400


def test_follows_hide_targets_no_longer_visible(network):
    do_follow(follower=network.guest, person=network.guest_colleague)
    network.guest_colleague.is_active = False
    network.guest_colleague.save()
    assert client_for(network.guest).get("follows").data["results"] == []


def test_follow_list_query_count_does_not_grow(network):
    for number in range(60):
        do_follow(follower=network.member, person=UserFactory())
        do_follow(follower=network.member, topic=TopicFactory(name=f"Topic {number}"))
    client = client_for(network.member)
    client.get("follows")
    counts = {}
    for limit in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("follows", params={"limit": limit})
        assert len(response.data["results"]) == limit
        counts[limit] = len(queries)
    assert counts[5] == counts[50] <= 3


def test_topics_search(network):
    response = client_for(network.guest).get("topics", params={"q": "pyth"})
    assert [t["slug"] for t in response.data["results"]] == ["python"]
    assert ApiClient().get("topics").status == 401


def test_token_lifecycle(network):
    client = client_for(network.member)
    created = client.post("tokens", {"name": "laptop script"})
    assert created.status == 201
    raw = created.data["token"]
    assert raw.startswith("hw_")
    assert created.data["prefix"] == raw[:10]
    assert ApiToken.objects.get(pk=created.data["id"]).key_hash != raw
    listed = client.get("tokens")
    assert raw not in listed.raw.content.decode()
    assert "laptop script" in [t["name"] for t in listed.data["results"]]
    new_client = ApiClient(token=raw)
    assert new_client.get("me").data["id"] == network.member.pk
    assert client.delete(f"tokens/{created.data['id']}").status == 204
    assert new_client.get("me").status == 401
    assert "laptop script" not in [t["name"] for t in client.get("tokens").data["results"]]


def test_tokens_of_others_are_404(network):
    mine = client_for(network.member).post("tokens", {"name": "mine"}).data["id"]
    other = client_for(network.engineer)
    response = other.delete(f"tokens/{mine}")
    assert response.status == 404
    assert response.raw.content == other.delete("tokens/987654").raw.content
    assert ApiToken.objects.get(pk=mine).revoked_at is None


@pytest.mark.parametrize(
    ("body", "status"),
    [({"name": ""}, 400), ({"name": "x" * 101}, 400), ({}, 422), ({"name": 5}, 422)],
)
def test_token_creation_errors(network, body, status):
    response = client_for(network.member).post("tokens", body)
    assert response.status == status
