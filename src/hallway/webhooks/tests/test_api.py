"""The webhook API, validated against the OpenAPI document (ApiClient)."""

from __future__ import annotations

import pytest

from hallway.api.tests.conftest import client_for
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import GroupFactory, GuestFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


def test_admin_manages_a_network_hook_through_the_api(
    receiver, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from hallway.posts.actions import do_create_post

    admin = UserFactory(is_network_admin=True)
    api = client_for(admin)
    created = api.post("webhooks", {"name": "CRM", "url": receiver.url, "events": ["post.created"]})
    assert created.status == 201 and created.data["secret"].startswith("whsec_")
    hook_id = created.data["id"]
    receiver.secret = created.data["secret"]
    assert "secret" not in api.get(f"webhooks/{hook_id}").data
    refused = api.post(
        "webhooks", {"name": "x", "url": "http://169.254.169.254/", "events": ["post.created"]}
    )
    assert refused.status == 400 and refused.data["field"] == "url"
    with django_capture_on_commit_callbacks(execute=True):
        do_create_post(author=UserFactory(), body="hello")
    with django_assert_max_num_queries(8):
        log = api.get(f"webhooks/{hook_id}/deliveries")
    assert [(row["status_code"], row["event"]) for row in log.data["results"]] == [
        (200, "post.created")
    ]
    assert receiver.requests[0].verified
    patched = api.patch(f"webhooks/{hook_id}", {"active": False, "include_confidential_body": True})
    assert patched.data["active"] is False and patched.data["include_confidential_body"] is True
    rotated = api.post(f"webhooks/{hook_id}/rotate-secret")
    assert rotated.status == 200 and rotated.data["secret"] != created.data["secret"]
    assert [h["id"] for h in api.get("webhooks").data["results"]] == [hook_id]
    assert api.delete(f"webhooks/{hook_id}").status == 204
    assert api.get(f"webhooks/{hook_id}").status == 404
    assert {"webhook.create", "webhook.update", "webhook.rotate_secret", "webhook.delete"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_group_owner_hooks_and_who_sees_them(receiver):
    owner, member = UserFactory(), UserFactory()
    group = GroupFactory()
    add_member(group, owner, role="owner")
    add_member(group, member)
    api = client_for(owner)
    created = api.post(
        "webhooks",
        {"name": "G", "url": receiver.url, "events": ["member.joined"], "group_id": group.pk},
    )
    assert created.status == 201 and created.data["group_id"] == group.pk
    hook_id = created.data["id"]
    denied = api.patch(f"webhooks/{hook_id}", {"include_confidential_body": True})
    assert denied.status == 403
    assert (
        api.post("webhooks", {"name": "N", "url": receiver.url, "events": ["post.created"]}).status
        == 403
    )
    others = client_for(member)
    assert others.get(f"webhooks/{hook_id}").status == 404
    assert others.get(f"webhooks/{hook_id}/deliveries").status == 404
    assert others.get("webhooks").data["results"] == []
    assert client_for(GuestFactory()).get("webhooks").data["results"] == []


def test_incoming_hooks_through_the_api():
    owner, member = UserFactory(), UserFactory()
    group = GroupFactory()
    add_member(group, owner, role="owner")
    add_member(group, member)
    api = client_for(owner)
    path = f"groups/{group.pk}/incoming-webhooks"
    created = api.post(path, {"name": "Jenkins"})
    assert created.status == 201 and "/hooks/in/hwin_" in created.data["url"]
    hook_id = created.data["id"]
    assert [h["bot_name"] for h in api.get(path).data["results"]] == ["Jenkins (bot)"]
    assert api.patch(f"{path}/{hook_id}", {"active": False}).data["active"] is False
    rotated = api.post(f"{path}/{hook_id}/rotate-secret")
    assert rotated.status == 200 and rotated.data["url"] != created.data["url"]
    others = client_for(member)
    assert others.get(path).data["results"] == []
    assert others.post(path, {"name": "x"}).status == 403
    assert others.delete(f"{path}/{hook_id}").status == 404
    assert api.delete(f"{path}/{hook_id}").status == 204
