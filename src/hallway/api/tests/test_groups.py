"""/groups: every response checked against the OpenAPI document by ApiClient."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallway.api.tests.conftest import client_for
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import GroupFactory, UserFactory, add_member
from hallway.groups.models import Group, Membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(network):
    public = GroupFactory(name="Open Forum", slug="open-forum")
    private = GroupFactory(name="Bid Team", visibility="private", join_policy="request")
    secret = GroupFactory(name="Skunkworks", visibility="secret", join_policy="invite")
    external = GroupFactory(
        name="Acme Room",
        visibility="private",
        join_policy="invite",
        is_external=True,
        companies=[network.acme],
    )
    for group in (public, private, secret, external):
        add_member(group, network.manager, role="owner")
    add_member(external, network.guest)
    return {"public": public, "private": private, "secret": secret, "external": external}


def test_list_shows_what_each_role_may_see(network, groups):
    member = client_for(network.member).get("groups")
    assert {g["name"] for g in member.data["results"]} == {"Open Forum", "Bid Team", "Acme Room"}
    guest = client_for(network.guest).get("groups")
    assert [g["name"] for g in guest.data["results"]] == ["Acme Room"]
    admin = client_for(network.admin).get("groups")
    assert len(admin.data["results"]) == 4
    owner = client_for(network.manager).get("groups", params={"scope": "mine"})
    assert len(owner.data["results"]) == 4
    assert all(g["membership"]["role"] == "owner" for g in owner.data["results"])
    searched = client_for(network.member).get("groups", params={"q": "bid"})
    assert [g["name"] for g in searched.data["results"]] == ["Bid Team"]


def test_secret_group_is_404_like_a_missing_one(network, groups):
    client = client_for(network.member)
    secret_id = groups["secret"].pk
    for method, suffix, body in [
        ("GET", "", None),
        ("PATCH", "", {"name": "x"}),
        ("GET", "/members", None),
        ("POST", "/members", {"user_id": network.member.pk}),
        ("POST", "/join", None),
        ("POST", "/requests", {"reason": "hi"}),
        ("POST", "/archive", None),
        ("POST", "/break-glass", {"reason": "Looking around here"}),
    ]:
        hidden = client.request(method, f"groups/{secret_id}{suffix}", body)
        missing = client.request(method, f"groups/987654{suffix}", body)
        assert hidden.status == missing.status == 404, (method, suffix)
        assert hidden.raw.content == missing.raw.content


def test_create_and_validation(network):
    client = client_for(network.member)
    response = client.post(
        "groups",
        {
            "name": "Acme deal",
            "visibility": "private",
            "external": True,
            "companies": ["acme", network.globex.pk],
            "sensitivity": "confidential",
            "hints": "count",
        },
    )
    assert response.status == 201
    assert response.data["join_policy"] == "request"
    assert {c["slug"] for c in response.data["companies"]} == {"acme", "globex"}
    assert response.data["membership"]["role"] == "owner"
    assert response.data["can_read"] and response.data["can_manage"]
    bad = client.post("groups", {"name": "Hidden", "visibility": "secret", "hints": "titles"})
    assert bad.status == 400 and bad.data["field"] == "hints"
    unknown = client.post("groups", {"name": "X", "external": True, "companies": ["nope"]})
    assert unknown.status == 400 and unknown.data["field"] == "companies"
    assert client.post("groups", {"name": "X", "visibility": "odd"}).status == 422
    assert client_for(network.guest).post("groups", {"name": "Guests' own"}).status == 403
    assert Group.objects.count() == 1


def test_patch_loosening_needs_reason(network, groups):
    client = client_for(network.manager)
    group_id = groups["secret"].pk
    refused = client.patch(f"groups/{group_id}", {"visibility": "public", "join_policy": "open"})
    assert refused.status == 400 and refused.data["field"] == "reason"
    ok = client.patch(
        f"groups/{group_id}",
        {"visibility": "public", "join_policy": "open", "reason": "Launch is public"},
    )
    assert ok.status == 200 and ok.data["visibility"] == "public"
    assert AuditEvent.objects.filter(action="group.visibility_changed").count() == 1
    assert client_for(network.member).patch(f"groups/{group_id}", {"name": "x"}).status == 403


def test_members_join_leave_invite_add(network, groups):
    public_id = groups["public"].pk
    member = client_for(network.member)
    joined = member.post(f"groups/{public_id}/members", {"user_id": network.member.pk})
    assert joined.status == 201 and joined.data["state"] == "active"
    listed = member.get(f"groups/{public_id}/members")
    assert {m["person"]["id"] for m in listed.data["results"]} == {
        network.manager.pk,
        network.member.pk,
    }
    assert member.delete(f"groups/{public_id}/members/{network.member.pk}").status == 204
    assert member.post(f"groups/{public_id}/join").status == 200
    owner = client_for(network.manager)
    private_id = groups["private"].pk
    added = owner.post(
        f"groups/{private_id}/members", {"user_id": network.engineer.pk, "role": "moderator"}
    )
    assert added.data == {"user_id": network.engineer.pk, "role": "moderator", "state": "active"}
    invited = client_for(network.engineer).post(
        f"groups/{private_id}/members", {"user_id": network.member.pk}
    )
    assert invited.status == 201 and invited.data["state"] == "invited"
    assert member.get(f"groups/{private_id}/members").status == 403
    assert member.post(f"groups/{private_id}/join").data["state"] == "active"
    assert member.get(f"groups/{private_id}/members").status == 200
    last_owner = owner.delete(f"groups/{private_id}/members/{network.manager.pk}")
    assert last_owner.status == 409
    guest_into_internal = owner.post(f"groups/{private_id}/members", {"user_id": network.guest.pk})
    assert guest_into_internal.status == 400


def test_requests_and_decisions(network, groups):
    private_id = groups["private"].pk
    member = client_for(network.member)
    asked = member.post(f"groups/{private_id}/requests", {"reason": "I work on the bid"})
    assert asked.status == 201 and asked.data["state"] == "requested"
    assert member.post(f"groups/{private_id}/requests", {"reason": "again"}).status == 409
    owner = client_for(network.manager)
    no_reason = owner.post(
        f"groups/{private_id}/requests/{network.member.pk}", {"decision": "decline"}
    )
    assert no_reason.status == 400
    declined = owner.post(
        f"groups/{private_id}/requests/{network.member.pk}",
        {"decision": "decline", "reason": "Bid team only"},
    )
    assert declined.data["state"] == "declined"
    seen = member.get(f"groups/{private_id}")
    assert seen.data["membership"] == {
        "state": "declined",
        "role": "member",
        "reason": "Bid team only",
    }
    assert member.post(f"groups/{private_id}/join").status == 403


def test_archive_and_break_glass(network, groups):
    admin = client_for(network.admin)
    secret_id = groups["secret"].pk
    detail = admin.get(f"groups/{secret_id}")
    assert detail.status == 200 and detail.data["can_read"] is False
    assert detail.data["can_manage"] is True
    assert admin.post(f"groups/{secret_id}/break-glass", {"reason": "short"}).status == 400
    opened = admin.post(f"groups/{secret_id}/break-glass", {"reason": "Legal hold for case 42"})
    assert opened.status == 201
    assert admin.get(f"groups/{secret_id}").data["can_read"] is True
    assert (
        client_for(network.manager)
        .post(f"groups/{secret_id}/break-glass", {"reason": "Owners cannot break glass"})
        .status
        == 403
    )
    archived = admin.post(f"groups/{secret_id}/archive")
    assert archived.data["archived"] is True
    back = admin.post(f"groups/{secret_id}/archive", {"archived": False})
    assert back.data["archived"] is False
    assert client_for(network.member).post(f"groups/{groups['public'].pk}/archive").status == 403


def test_group_list_and_members_query_counts_are_constant(network):
    client = client_for(network.member)
    big = GroupFactory(name="Big")
    for number in range(30):
        GroupFactory(name=f"Many {number:02d}", is_external=True, companies=[network.acme])
        add_member(big, UserFactory())
    client.get("groups")
    counts = {}
    for limit in (5, 30):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("groups", params={"limit": limit, "q": "many"})
        assert len(response.data["results"]) == limit
        counts[limit] = len(queries)
    assert counts[5] == counts[30]
    member_counts = {}
    for limit in (5, 30):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"groups/{big.pk}/members", params={"limit": limit})
        assert len(response.data["results"]) == limit
        member_counts[limit] = len(queries)
    assert member_counts[5] == member_counts[30]
    assert Membership.objects.filter(group=big).count() == 30
