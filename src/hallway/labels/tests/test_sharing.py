"""Sharing a post into a group: quoted only into the same or a stricter label."""

from __future__ import annotations

import pytest
from django.test import Client

from hallway.api.tests.conftest import client_for
from hallway.core.errors import PermissionDenied
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import GroupFactory, UserFactory, add_member
from hallway.labels.sharing import do_share_post
from hallway.posts.actions import do_create_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    ann = UserFactory(name="Ann Author")
    groups = {
        s: GroupFactory(name=f"G {s}", slug=f"g-{s}", visibility="private", sensitivity=s)
        for s in ("general", "internal", "confidential", "restricted")
    }
    for group in groups.values():
        add_member(group, ann)
    secret = do_create_post(author=ann, body="Merger codename zebra", group=groups["confidential"])
    return ann, groups, secret


def test_quoted_into_same_or_stricter_link_only_into_looser(place):
    ann, groups, original = place
    stricter = do_share_post(actor=ann, post=original, group=groups["restricted"], comment="FYI")
    assert "Merger codename zebra" in stricter.body and "FYI" in stricter.body
    assert f"/posts/{original.pk}/" in stricter.body
    looser = do_share_post(actor=ann, post=original, group=groups["general"])
    assert "zebra" not in looser.body and f"/posts/{original.pk}/" in looser.body
    assert [
        e.data["quoted"] for e in AuditEvent.objects.filter(action="post.share").order_by("id")
    ] == [True, False]


def test_only_members_share_into_a_group(place):
    ann, _, original = place
    outsider_group = GroupFactory(name="Elsewhere", slug="elsewhere", sensitivity="restricted")
    with pytest.raises(PermissionDenied):
        do_share_post(actor=ann, post=original, group=outsider_group)


def test_share_api_and_page(place):
    ann, groups, original = place
    api = client_for(ann)
    response = api.post(f"posts/{original.pk}/shares", {"group_id": groups["general"].pk})
    assert response.status == 201 and response.data["quoted"] is False
    response = api.post(f"posts/{original.pk}/shares", {"group_id": groups["restricted"].pk})
    assert response.status == 201 and response.data["quoted"] is True
    other = UserFactory(name="Otto Outsider")
    assert (
        client_for(other)
        .post(f"posts/{original.pk}/shares", {"group_id": groups["general"].pk})
        .status
        == 404
    )
    client = Client()
    client.force_login(ann)
    page = client.get(f"/labels/share/{original.pk}/")
    assert page.status_code == 200 and b"link only" in page.content
    response = client.post(
        f"/labels/share/{original.pk}/", {"group_id": groups["internal"].pk, "comment": "Look"}
    )
    assert response.status_code == 302
    assert client.post(f"/labels/share/{original.pk}/", {"group_id": "0"}).status_code == 400
