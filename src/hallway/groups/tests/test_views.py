"""Group pages per role; a secret group answers non-members exactly like a missing slug."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hallway.core.models import AuditEvent
from hallway.core.tests.factories import (
    CompanyFactory,
    GroupFactory,
    GuestFactory,
    UserFactory,
    add_member,
    host_company,
)
from hallway.groups.models import BreakGlassAccess, Group, Membership

pytestmark = pytest.mark.django_db

PAGES = ("", "members/", "settings/", "requests/", "invite/", "files/", "break-glass/", "request/")


@pytest.fixture
def net(db):
    host_company()
    acme = CompanyFactory(name="Acme", slug="acme")
    owner = UserFactory(name="Olive Owner")
    member = UserFactory(name="Mo Member")
    outsider = UserFactory(name="Otto Outsider")
    admin = UserFactory(name="Amira Admin", is_network_admin=True)
    guest = GuestFactory(name="Gus Guest", company=acme)
    public = GroupFactory(name="Open Forum", slug="open-forum", description="Talk here")
    private = GroupFactory(
        name="Bid Team", slug="bid-team", visibility="private", join_policy="request"
    )
    secret = GroupFactory(
        name="Skunkworks", slug="skunkworks", visibility="secret", join_policy="invite"
    )
    external = GroupFactory(
        name="Acme Room",
        slug="acme-room",
        visibility="private",
        join_policy="invite",
        is_external=True,
        companies=[acme],
    )
    for group in (public, private, secret, external):
        add_member(group, owner, role="owner")
        add_member(group, member)
    add_member(external, guest)
    return {
        "acme": acme,
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "admin": admin,
        "guest": guest,
        "public": public,
        "private": private,
        "secret": secret,
        "external": external,
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _body(response) -> str:
    # The CSRF token differs between responses; it is not part of what a page reveals.
    return re.sub(
        r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', "", response.content.decode()
    )


def test_secret_group_is_a_404_like_a_missing_slug_everywhere(net):
    for who in ("outsider", "guest"):
        client = client_for(net[who])
        for page in PAGES:
            hidden = client.get(f"/groups/skunkworks/{page}")
            missing = client.get(f"/groups/no-such-group/{page}")
            assert hidden.status_code == missing.status_code == 404, (who, page)
            assert _body(hidden) == _body(missing)
        for action in ("join/", "leave/", "invitation/", "archive/"):
            assert client.post(f"/groups/skunkworks/{action}").status_code == 404
        listing = client.get("/groups/?q=Skunk")
        assert b"Skunkworks" not in listing.content


def test_directory_by_role(net):
    member_view = client_for(net["outsider"]).get("/groups/").content.decode()
    for name in ("Open Forum", "Bid Team", "Acme Room"):
        assert name in member_view
    assert "Skunkworks" not in member_view
    assert "Create group" in member_view
    guest_view = client_for(net["guest"]).get("/groups/").content.decode()
    assert "Acme Room" in guest_view
    for name in ("Open Forum", "Bid Team", "Skunkworks"):
        assert name not in guest_view
    assert "Create group" not in guest_view
    assert "Skunkworks" in client_for(net["admin"]).get("/groups/").content.decode()
    assert Client().get("/groups/").status_code == 302


def test_directory_filters_and_cursor(net):
    client = client_for(net["member"])
    mine = client.get("/groups/", {"scope": "mine"}).content.decode()
    assert "Skunkworks" in mine and "Open Forum" in mine
    private = client.get("/groups/", {"scope": "private"}).content.decode()
    assert "Bid Team" in private and "Open Forum" not in private
    assert client.get("/groups/", {"cursor": "garbage"}).status_code == 400


def test_directory_query_count_is_constant(net, django_assert_max_num_queries):
    client = client_for(net["outsider"])
    client.get("/groups/")
    counts = []
    for total in (5, 30):
        Group.objects.filter(name__startswith="Many").delete()
        for number in range(total):
            group = GroupFactory(
                name=f"Many {number:02d}", is_external=True, companies=[net["acme"]]
            )
            add_member(group, net["member"])
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/groups/", {"q": "Many"})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_group_page_per_role(net):
    outsider = client_for(net["outsider"])
    page = outsider.get("/groups/open-forum/").content.decode()
    assert "Join group" in page and "Talk here" in page and "Olive Owner" in page
    private = outsider.get("/groups/bid-team/").content.decode()
    assert "Ask to join" in private
    assert (
        "Only this group&#x27;s members can read its posts" in private
        or "members can read" in private
    )
    assert outsider.get("/groups/bid-team/members/").status_code == 403
    assert outsider.get("/groups/open-forum/members/").status_code == 200
    assert outsider.get("/groups/open-forum/settings/").status_code == 403
    assert outsider.get("/groups/open-forum/requests/").status_code == 403
    assert outsider.get("/groups/open-forum/break-glass/").status_code == 403
    guest = client_for(net["guest"])
    assert guest.get("/groups/acme-room/").status_code == 200
    members = guest.get("/groups/acme-room/members/").content.decode()
    assert "Mo Member" in members and "Gus Guest" in members
    assert guest.get("/groups/open-forum/").status_code == 404
    owner = client_for(net["owner"])
    for page in ("settings/", "requests/", "invite/", "members/", "files/"):
        assert owner.get(f"/groups/skunkworks/{page}").status_code == 200, page


def test_join_leave_and_request_flow(net):
    outsider = client_for(net["outsider"])
    assert outsider.post("/groups/open-forum/join/").status_code == 302
    assert Membership.objects.get(group=net["public"], user=net["outsider"]).state == "active"
    outsider.post("/groups/open-forum/leave/")
    assert not Membership.objects.filter(group=net["public"], user=net["outsider"]).exists()
    response = outsider.post("/groups/bid-team/request/", {"reason": "I sell to Acme"})
    assert response.status_code == 302
    owner = client_for(net["owner"])
    requests = owner.get("/groups/bid-team/requests/").content.decode()
    assert "I sell to Acme" in requests and "Otto Outsider" in requests
    bad = owner.post(f"/groups/bid-team/requests/{net['outsider'].pk}/", {"action": "decline"})
    assert bad.status_code == 302
    assert Membership.objects.get(user=net["outsider"], group=net["private"]).state == "requested"
    owner.post(
        f"/groups/bid-team/requests/{net['outsider'].pk}/",
        {"action": "decline", "reason": "Bid team only"},
    )
    page = outsider.get("/groups/bid-team/").content.decode()
    assert "declined" in page and "Bid team only" in page


def test_invite_and_accept(net):
    owner = client_for(net["owner"])
    found = owner.get("/groups/skunkworks/invite/", {"query": "Otto"}).content.decode()
    assert "Otto Outsider" in found
    guests_hidden = owner.get("/groups/skunkworks/invite/", {"query": "Gus"}).content.decode()
    assert "Gus Guest" not in guests_hidden.split("People found")[-1]
    response = owner.post(
        "/groups/skunkworks/invite/", {"person": net["outsider"].pk, "role": "member"}
    )
    assert response.status_code == 302
    outsider = client_for(net["outsider"])
    page = outsider.get("/groups/skunkworks/").content.decode()
    assert "Accept invitation" in page
    outsider.post("/groups/skunkworks/invitation/", {"action": "accept"})
    assert Membership.objects.get(user=net["outsider"], group=net["secret"]).state == "active"


def test_create_group_page(net):
    client = client_for(net["member"])
    assert client.get("/groups/new/").status_code == 200
    bad = client.post(
        "/groups/new/",
        {
            "name": "Secretive",
            "visibility": "secret",
            "join_policy": "open",
            "sensitivity": "general",
            "hints": "off",
        },
    )
    assert bad.status_code == 400
    assert "invite-only" in bad.content.decode()
    assert not Group.objects.filter(name="Secretive").exists()
    ok = client.post(
        "/groups/new/",
        {
            "name": "Partners",
            "visibility": "private",
            "join_policy": "request",
            "sensitivity": "confidential",
            "hints": "count",
            "is_external": "on",
            "companies": [net["acme"].pk],
        },
    )
    assert ok.status_code == 302
    group = Group.objects.get(name="Partners")
    assert ok["Location"] == f"/groups/{group.slug}/"
    assert list(group.companies.all()) == [net["acme"]]
    assert client_for(net["guest"]).get("/groups/new/").status_code == 403


def test_settings_loosening_needs_reason(net):
    owner = client_for(net["owner"])
    data = {
        "name": "Skunkworks",
        "visibility": "private",
        "join_policy": "invite",
        "sensitivity": "general",
        "hints": "off",
    }
    response = owner.post("/groups/skunkworks/settings/", data)
    assert response.status_code == 400
    assert Group.objects.get(pk=net["secret"].pk).visibility == "secret"
    response = owner.post("/groups/skunkworks/settings/", {**data, "reason": "Now public news"})
    assert response.status_code == 302
    assert Group.objects.get(pk=net["secret"].pk).visibility == "private"


def test_admin_manages_but_reads_only_after_break_glass(net):
    admin = client_for(net["admin"])
    assert admin.get("/groups/skunkworks/settings/").status_code == 200
    assert admin.get("/groups/skunkworks/members/").status_code == 200
    page = admin.get("/groups/skunkworks/").content.decode()
    assert "Open content (break-glass)" in page
    assert admin.get("/groups/skunkworks/break-glass/").status_code == 200
    assert admin.post("/groups/skunkworks/break-glass/", {"reason": ""}).status_code == 400
    response = admin.post("/groups/skunkworks/break-glass/", {"reason": "Legal hold for case 42"})
    assert response.status_code == 302
    assert BreakGlassAccess.objects.filter(admin=net["admin"]).count() == 1
    assert AuditEvent.objects.filter(action="group.break_glass").count() == 1
    owner_page = client_for(net["owner"]).get("/groups/skunkworks/").content.decode()
    assert "Amira Admin (network admin) opened this group" in owner_page
    assert "Legal hold for case 42" in owner_page
    member_page = client_for(net["member"]).get("/groups/skunkworks/").content.decode()
    assert "Legal hold for case 42" not in member_page


def test_members_page_query_count_is_constant(net):
    client = client_for(net["member"])
    client.get("/groups/open-forum/members/")
    counts = []
    for total in (5, 30):
        Membership.objects.filter(group=net["public"], role="member").exclude(
            user=net["member"]
        ).delete()
        for _ in range(total):
            add_member(net["public"], UserFactory())
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/groups/open-forum/members/")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_archive_from_settings(net):
    owner = client_for(net["owner"])
    owner.post("/groups/open-forum/archive/", {"action": "archive"})
    assert Group.objects.get(pk=net["public"].pk).is_archived
    page = client_for(net["outsider"]).get("/groups/open-forum/").content.decode()
    assert "archived" in page and "Join group" not in page
    owner.post("/groups/open-forum/archive/", {"action": "unarchive"})
    assert not Group.objects.get(pk=net["public"].pk).is_archived
    assert client_for(net["member"]).post("/groups/open-forum/archive/").status_code == 403


def test_admin_names_announcement_leaders_on_the_settings_page(client):
    from hallway.groups.models import NetworkSettings

    admin = UserFactory(is_network_admin=True)
    leader = UserFactory(email="lea.leader@northwind.example")
    client.force_login(admin)
    response = client.post(
        "/groups/network-settings/",
        {"members_can_create_groups": "on", "announcement_leaders": "Lea.Leader@northwind.example"},
    )
    assert response.status_code == 302
    assert list(NetworkSettings.load().announcement_leaders.all()) == [leader]
    page = client.get("/groups/network-settings/")
    assert b"lea.leader@northwind.example" in page.content


def test_unknown_announcement_leader_is_refused_and_nothing_changes(client):
    from hallway.groups.models import NetworkSettings

    admin = UserFactory(is_network_admin=True)
    guest = GuestFactory(email="gina@acme.example")
    client.force_login(admin)
    response = client.post(
        "/groups/network-settings/",
        {"announcement_leaders": "nobody@northwind.example, gina@acme.example"},
    )
    assert response.status_code == 400
    assert b"nobody@northwind.example, gina@acme.example" in response.content
    assert NetworkSettings.load().members_can_create_groups is True
    assert not NetworkSettings.load().announcement_leaders.exists()
    assert guest.pk
