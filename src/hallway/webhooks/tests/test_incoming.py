"""Incoming webhooks: a tool posts into a group as the hook's bot."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.test import Client

from hallway.accounts.models import User
from hallway.core.errors import PermissionDenied
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import GroupFactory, UserFactory, add_member
from hallway.groups.models import Membership
from hallway.posts.models import Post
from hallway.webhooks.actions import (
    do_create_incoming_webhook,
    do_delete_incoming_webhook,
    do_rotate_incoming_webhook_token,
    do_set_incoming_webhook_active,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def hooked():
    owner = UserFactory(name="Olga Owner")
    group = GroupFactory(name="Builds", visibility="private", join_policy="request")
    add_member(group, owner, role="owner")
    hook, token = do_create_incoming_webhook(actor=owner, group=group, name="CI")
    return owner, group, hook, token


def _send(token: str, body: object, **extra) -> tuple[int, dict]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = Client().post(
        f"/hooks/in/{token}/", data=data, content_type="application/json", **extra
    )
    assert response["Content-Type"].startswith("application/json")
    return response.status_code, response.json()


def test_a_tool_posts_into_the_group_as_the_bot(hooked):
    _owner, group, hook, token = hooked
    status, body = _send(token, {"title": "Build 42", "text": "All tests passed"})
    assert status == 201 and body["held"] is False
    post = Post.objects.get(pk=body["id"])
    assert post.group == group and post.title == "Build 42" and post.body == "All tests passed"
    bot = post.author
    assert bot == hook.bot and bot.name == "CI (bot)" and bot.kind == User.Kind.MEMBER
    assert not bot.has_usable_password()
    assert Membership.objects.get(group=group, user=bot).is_active
    assert Client().login(username=bot.email, password="") is False


def test_bad_token_is_404_and_get_is_405(hooked):
    _owner, _group, _hook, token = hooked
    assert _send("hwin_nope", {"text": "x"})[0] == 404
    assert _send("something-else", {"text": "x"})[0] == 404
    response = Client().get(f"/hooks/in/{token}/")
    assert response.status_code == 405 and response.json()["detail"]


def test_bad_bodies_answer_json_4xx(hooked):
    token = hooked[3]
    assert _send(token, b"not json")[0] == 400
    assert _send(token, [1, 2])[0] == 400
    status, body = _send(token, {"title": "no text"})
    assert status == 400 and body["field"] == "text"
    assert _send(token, {"text": 42})[0] == 400
    assert _send(token, {"text": "x" * 70_000})[0] == 413
    assert Post.objects.count() == 0


def test_rate_limit_answers_429(hooked, settings):
    settings.HALLWAY_INCOMING_WEBHOOK_RATE = 3
    token = hooked[3]
    for n in range(3):
        assert _send(token, {"text": f"n{n}"})[0] == 201
    response = Client().post(
        f"/hooks/in/{token}/", data=b'{"text": "one more"}', content_type="application/json"
    )
    assert response.status_code == 429 and response.json()["detail"]
    assert 0 < int(response["Retry-After"]) <= 60
    assert Post.objects.count() == 3


def test_rotate_disable_delete(hooked):
    owner, _group, hook, token = hooked
    new = do_rotate_incoming_webhook_token(actor=owner, hook=hook)
    assert _send(token, {"text": "old"})[0] == 404
    assert _send(new, {"text": "new"})[0] == 201
    do_set_incoming_webhook_active(actor=owner, hook=hook, active=False)
    assert _send(new, {"text": "off"})[0] == 404
    bot = hook.bot
    do_delete_incoming_webhook(actor=owner, hook=hook)
    bot.refresh_from_db()
    assert not bot.is_active and Post.objects.filter(author=bot).count() == 1
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "incoming_webhook.create",
        "incoming_webhook.rotate_secret",
        "incoming_webhook.update",
        "incoming_webhook.delete",
    } <= actions


def test_only_owners_add_incoming_hooks():
    group = GroupFactory()
    member = UserFactory()
    add_member(group, member)
    with pytest.raises(PermissionDenied):
        do_create_incoming_webhook(actor=member, group=group, name="x")


def test_posts_go_through_the_content_policy(hooked):
    from hallway.policy.models import PolicyRule

    PolicyRule.objects.create(
        name="Payment card numbers",
        detector="card_number",
        action="block",
        destination=PolicyRule.Destination.ALL,
        config={},
    )
    status, body = _send(hooked[3], {"text": "Card 4111 1111 1111 1111"})
    assert status == 422 and "Payment card numbers" in body["detail"]
    assert "4111" not in body["detail"] and Post.objects.count() == 0
