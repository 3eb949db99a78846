"""Outgoing webhooks against a real receiver on 127.0.0.1 (see conftest.py)."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from hallway.accounts.actions import do_create_user, do_deactivate_user
from hallway.core import tasks
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.models import AuditEvent, Task
from hallway.core.tests.factories import GroupFactory, UserFactory, add_member
from hallway.groups.actions import do_join_group, do_leave_group
from hallway.posts.actions import (
    do_accept_answer,
    do_create_comment,
    do_create_post,
    do_delete_post,
)
from hallway.webhooks.actions import (
    do_create_webhook,
    do_rotate_webhook_secret,
    do_update_webhook,
)
from hallway.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from hallway.webhooks.signing import signature_header, verify_signature

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return UserFactory(name="Ada Admin", is_network_admin=True)


def _drain(capture) -> None:
    """Run every ready task as the worker would, committing between tasks (bounded)."""
    for _ in range(100):
        with capture(execute=True):
            ran = tasks.run_one()
        if not ran:
            return
    raise AssertionError("tasks kept coming")


def _hook(receiver, *, actor, events=("post.created",), group=None, **extra) -> Webhook:
    hook, secret = do_create_webhook(
        actor=actor, name="CI", url=receiver.url, events=list(events), group=group, **extra
    )
    receiver.secret = secret
    return hook


def test_a_new_post_reaches_the_receiver_signed(
    receiver, admin, django_capture_on_commit_callbacks
):
    hook = _hook(receiver, actor=admin)
    author = UserFactory(name="Mia Member")
    with django_capture_on_commit_callbacks(execute=True):
        post = do_create_post(author=author, title="Release", body="Version 2 is out")
    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    assert request.verified
    assert request.headers["Hallway-Event"] == "post.created"
    assert request.headers["Content-Type"] == "application/json"
    payload = request.payload
    assert payload["event"] == "post.created"
    assert payload["id"] == request.headers["Hallway-Delivery"]
    data = payload["data"]["post"]
    assert (data["id"], data["title"], data["body"]) == (post.pk, "Release", "Version 2 is out")
    assert data["author"]["name"] == "Mia Member" and data["text_omitted"] is False
    attempt = WebhookAttempt.objects.get(hook=hook)
    assert attempt.succeeded and attempt.status_code == 200 and attempt.attempt == 1
    assert attempt.response_excerpt == '{"ok": true}'
    assert WebhookDelivery.objects.get().state == WebhookDelivery.State.DELIVERED


def test_signature_helper_enforces_the_replay_window_and_the_body():
    body = b'{"a":1}'
    header = signature_header("whsec_x", body, timestamp=1_000_000)
    assert verify_signature("whsec_x", header, body, now=1_000_000 + 299)
    assert not verify_signature("whsec_x", header, body, now=1_000_000 + 301)  # replayed late
    assert not verify_signature("whsec_x", header, b'{"a":2}', now=1_000_000)
    assert not verify_signature("whsec_y", header, body, now=1_000_000)
    assert not verify_signature("whsec_x", "garbage", body)


def test_the_secret_is_stored_encrypted_and_rotation_changes_it(receiver, admin):
    hook, secret = do_create_webhook(
        actor=admin, name="CI", url=receiver.url, events=["post.created"]
    )
    stored = Webhook.objects.get(pk=hook.pk).secret_encrypted
    assert secret.startswith("whsec_") and secret not in stored
    new = do_rotate_webhook_secret(actor=admin, hook=hook)
    assert new != secret
    assert AuditEvent.objects.filter(action="webhook.rotate_secret").count() == 1
    assert AuditEvent.objects.filter(action="webhook.create").count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "ftp://example.com/hook",
        "http://user:pw@example.com/hook",
        "http://example.com:8080/hook",
    ],
)
def test_private_and_odd_urls_are_refused_when_saved(admin, url):
    with pytest.raises(ActionError) as error:
        do_create_webhook(actor=admin, name="x", url=url, events=["post.created"])
    assert error.value.field == "url"


def test_a_hook_whose_address_became_private_is_refused_at_delivery(
    receiver, admin, settings, django_capture_on_commit_callbacks
):
    hook = _hook(receiver, actor=admin)
    settings.HALLWAY_WEBHOOKS_ALLOW_LOOPBACK = False  # as in production
    with django_capture_on_commit_callbacks(execute=True):
        do_create_post(author=UserFactory(), body="Hello")
    assert receiver.requests == []
    attempt = WebhookAttempt.objects.get(hook=hook)
    assert not attempt.succeeded and attempt.error.startswith("refused")


@override_settings(HALLWAY_TASKS_EAGER=False, HALLWAY_WEBHOOK_MAX_FAILURES=3)
def test_a_failing_receiver_gets_retries_then_the_hook_is_disabled(
    receiver, admin, django_capture_on_commit_callbacks
):
    receiver.status = 500
    hook = _hook(receiver, actor=admin)
    with django_capture_on_commit_callbacks(execute=True):
        do_create_post(author=UserFactory(), body="First")
    for attempt in (1, 2, 3):
        _drain(django_capture_on_commit_callbacks)
        assert len(receiver.requests) == attempt
        deliver = Task.objects.get(name__endswith="deliver_webhook")
        if attempt < 3:
            assert deliver.status == Task.Status.QUEUED
            assert deliver.run_after > timezone.now()  # backing off
            Task.objects.filter(pk=deliver.pk).update(run_after=timezone.now())
    assert len(receiver.requests) == 3 and all(r.verified for r in receiver.requests)
    assert len({r.headers["Hallway-Delivery"] for r in receiver.requests}) == 1
    hook.refresh_from_db()
    assert not hook.is_active and "3 failed attempts" in hook.disabled_reason
    log = list(WebhookAttempt.objects.filter(hook=hook).order_by("attempt"))
    assert [a.attempt for a in log] == [1, 2, 3]
    assert all(a.status_code == 500 and len(a.response_excerpt) == 500 for a in log)
    assert WebhookDelivery.objects.get().state == WebhookDelivery.State.FAILED
    assert AuditEvent.objects.filter(action="webhook.disabled").exists()
    _drain(django_capture_on_commit_callbacks)  # the email to the owner
    assert [m.to for m in mail.outbox] == [[admin.email]]
    # Disabled: new events queue nothing; enabling again clears the count.
    with django_capture_on_commit_callbacks(execute=True):
        do_create_post(author=UserFactory(), body="Second")
    _drain(django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 3
    receiver.status = 200
    do_update_webhook(actor=admin, hook=hook, is_active=True)
    hook.refresh_from_db()
    assert hook.is_active and hook.consecutive_failures == 0


def test_a_group_owners_hook_carries_only_its_group(receiver, django_capture_on_commit_callbacks):
    owner = UserFactory()
    mine, other = GroupFactory(), GroupFactory()
    add_member(mine, owner, role="owner")
    add_member(other, owner, role="owner")
    _hook(receiver, actor=owner, group=mine)
    with django_capture_on_commit_callbacks(execute=True):
        do_create_post(author=owner, body="in other", group=other)
        do_create_post(author=owner, body="on the network")
        post = do_create_post(author=owner, body="in mine", group=mine)
    assert [r.payload["data"]["post"]["id"] for r in receiver.requests] == [post.pk]


def test_only_owners_and_admins_create_group_hooks_and_person_events_are_network_only(
    receiver, admin
):
    group = GroupFactory()
    member = UserFactory()
    add_member(group, member)
    with pytest.raises(PermissionDenied):
        do_create_webhook(
            actor=member, name="x", url=receiver.url, events=["post.created"], group=group
        )
    with pytest.raises(PermissionDenied):
        do_create_webhook(actor=member, name="x", url=receiver.url, events=["post.created"])
    with pytest.raises(ActionError):
        do_create_webhook(
            actor=admin, name="x", url=receiver.url, events=["person.created"], group=group
        )


def test_confidential_text_is_left_out_unless_an_admin_allows_it(
    receiver, admin, django_capture_on_commit_callbacks
):
    owner = UserFactory()
    group = GroupFactory(sensitivity="confidential")
    add_member(group, owner, role="owner")
    hook = _hook(receiver, actor=owner, group=group)
    with pytest.raises(PermissionDenied):
        do_update_webhook(actor=owner, hook=hook, include_confidential_body=True)
    with django_capture_on_commit_callbacks(execute=True):
        do_create_post(author=owner, title="Deal", body="Price is 42", group=group)
    sent = receiver.requests[-1].payload["data"]["post"]
    assert sent["body"] is None and sent["title"] is None and sent["text_omitted"] is True
    assert "Price is 42" not in receiver.requests[-1].body.decode()
    do_update_webhook(actor=admin, hook=hook, include_confidential_body=True)
    with django_capture_on_commit_callbacks(execute=True):
        do_create_post(author=owner, body="Price is 43", group=group)
    assert receiver.requests[-1].payload["data"]["post"]["body"] == "Price is 43"


def test_what_the_owner_cannot_read_is_not_delivered(
    receiver, admin, django_capture_on_commit_callbacks
):
    _hook(receiver, actor=admin)  # the admin is in no group
    private = GroupFactory(visibility="private", join_policy="request")
    author = UserFactory()
    add_member(private, author)
    with django_capture_on_commit_callbacks(execute=True):
        do_create_post(author=author, body="private plans", group=private)
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().state == WebhookDelivery.State.DROPPED


@override_settings(HALLWAY_TASKS_EAGER=False)
def test_a_post_deleted_before_delivery_is_not_delivered(
    receiver, admin, django_capture_on_commit_callbacks
):
    _hook(receiver, actor=admin)
    author = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        post = do_create_post(author=author, body="oops")
    do_delete_post(actor=author, post=post)
    _drain(django_capture_on_commit_callbacks)
    assert receiver.requests == []
    assert WebhookDelivery.objects.get().state == WebhookDelivery.State.DROPPED


def test_a_hook_stops_when_its_owner_no_longer_owns_the_group(
    receiver, django_capture_on_commit_callbacks
):
    owner, other_owner = UserFactory(), UserFactory()
    group = GroupFactory()
    add_member(group, owner, role="owner")
    membership = add_member(group, other_owner, role="owner")
    _hook(receiver, actor=other_owner, group=group)
    membership.role = "member"
    membership.save()
    with django_capture_on_commit_callbacks(execute=True):
        do_create_post(author=owner, body="hello", group=group)
    assert receiver.requests == []


def test_answers_members_and_people_events(receiver, admin, django_capture_on_commit_callbacks):
    _hook(
        receiver,
        actor=admin,
        events=[
            "question.answered",
            "answer.accepted",
            "member.joined",
            "member.left",
            "person.created",
            "person.deactivated",
        ],
    )
    asker, answerer = UserFactory(), UserFactory()
    group = GroupFactory()
    with django_capture_on_commit_callbacks(execute=True):
        question = do_create_post(author=asker, body="How?", kind="question")
        do_create_post(author=asker, body="not a question")
        answer = do_create_comment(author=answerer, post=question, body="Like this")
        do_create_comment(author=asker, post=question, body="Reply", parent=answer)
        do_accept_answer(actor=asker, post=question, comment=answer)
        do_join_group(actor=answerer, group=group)
        do_leave_group(actor=answerer, group=group)
        newcomer = do_create_user(actor=admin, email="new@example.com", name="Nina New")
        do_deactivate_user(actor=admin, user=newcomer)
    events = [r.payload["event"] for r in receiver.requests]
    assert events == [
        "question.answered",
        "answer.accepted",
        "member.joined",
        "member.left",
        "person.created",
        "person.deactivated",
    ]
    assert all(r.verified for r in receiver.requests)
    answered, accepted, joined, _left, created, _gone = (
        r.payload["data"] for r in receiver.requests
    )
    assert answered["answer"]["body"] == "Like this" and answered["question"]["id"] == question.pk
    assert accepted["accepted_by"]["id"] == asker.pk
    assert joined["person"]["id"] == answerer.pk and joined["group"]["id"] == group.pk
    assert created["person"]["name"] == "Nina New"
    json.dumps(events)
