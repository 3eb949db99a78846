"""Freshness: official and outdated marks, stale content (issue 5 part 5, ADR 0009)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from hallway.api.tests.conftest import client_for
from hallway.core.models import AuditEvent
from hallway.core.tests.factories import UserFactory, add_member
from hallway.notifications.models import Kind, Notification
from hallway.posts.actions import do_react
from hallway.posts.models import Post
from hallway.search.freshness import do_mark_official
from hallway.search.models import FreshnessMark, SearchDocument
from hallway.search.sync import index_post, rebuild_index


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Any:
    """Call an API client and run its after-commit work (indexing, notifications)."""

    def call(method: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return method(*args, **kwargs)

    return call


def _ids(api: Any, q: str) -> list[int]:
    return [r["id"] for r in api.get("search", params={"q": q, "type": "posts"}).data["results"]]


def test_official_ranks_up_outdated_ranks_down_and_clear_restores(place, publish, run):
    add_member(place.public, place.member)
    posts = [publish(place.owner, f"heron policy {n}", group=place.public) for n in range(3)]
    oldest, middle, newest = posts
    api = client_for(place.member)
    assert _ids(api, "heron") == [newest.pk, middle.pk, oldest.pk]
    owner = client_for(place.owner)
    response = run(owner.post, f"posts/{oldest.pk}/official")
    assert response.status == 200 and response.data["state"] == "official"
    response = run(owner.post, f"posts/{newest.pk}/outdated", {"newer_post_id": oldest.pk})
    assert response.data == {
        "state": "outdated",
        "newer_post_id": oldest.pk,
        "marked_at": response.data["marked_at"],
    }
    assert _ids(api, "heron") == [oldest.pk, middle.pk, newest.pk]
    results = api.get("search", params={"q": "heron", "type": "posts"}).data["results"]
    assert [r["mark"] for r in results] == ["official", None, "outdated"]
    assert run(owner.delete, f"posts/{newest.pk}/mark").status == 204
    assert run(owner.delete, f"posts/{oldest.pk}/mark").status == 204
    assert _ids(api, "heron") == [newest.pk, middle.pk, oldest.pk]
    actions = list(
        AuditEvent.objects.filter(action__startswith="content.mark")
        .order_by("pk")
        .values_list("action", "target_id")
    )
    assert actions == [
        ("content.mark_official", str(oldest.pk)),
        ("content.mark_outdated", str(newest.pk)),
        ("content.mark_cleared", str(newest.pk)),
        ("content.mark_cleared", str(oldest.pk)),
    ]


def test_who_may_mark(place, publish, run):
    group_post = publish(place.owner, "osprey", group=place.public)
    network_post = publish(place.colleague, "osprey everywhere")
    secret_post = publish(place.owner, "osprey secret", group=place.secret)
    moderator = UserFactory()
    add_member(place.public, moderator, role="moderator")
    admin = UserFactory(is_network_admin=True)
    # A plain member of the group, and the author of a network post, may not.
    assert run(client_for(place.colleague).post, f"posts/{group_post.pk}/official").status == 403
    assert run(client_for(place.colleague).post, f"posts/{network_post.pk}/official").status == 403
    # A group moderator may mark the group's posts, not posts outside groups.
    assert run(client_for(moderator).post, f"posts/{group_post.pk}/official").status == 200
    assert run(client_for(moderator).post, f"posts/{network_post.pk}/outdated", {}).status == 403
    # Network admins mark posts outside groups; a hidden post answers 404 like a missing one.
    assert run(client_for(admin).post, f"posts/{network_post.pk}/outdated", {}).status == 200
    assert run(client_for(admin).post, f"posts/{secret_post.pk}/official").status == 404
    assert run(client_for(admin).post, "posts/999999/official").status == 404
    # The newer post must be one the moderator can read.
    response = run(
        client_for(moderator).post,
        f"posts/{group_post.pk}/outdated",
        {"newer_post_id": secret_post.pk},
    )
    assert response.status == 400
    assert FreshnessMark.objects.get(post=group_post).state == "official"


def test_outdated_tells_followers_who_can_read(place, publish, answer, run):
    post = publish(place.colleague, "kestrel rules v1", group=place.public)
    commenter, reactor, outsider = UserFactory(), UserFactory(), UserFactory()
    for person in (commenter, reactor):
        add_member(place.public, person)
    answer(commenter, post, "thanks")
    do_react(actor=reactor, kind="like", post=post)
    newer = publish(place.owner, "kestrel rules v2", group=place.public)
    run(client_for(place.owner).post, f"posts/{post.pk}/outdated", {"newer_post_id": newer.pk})
    told = set(
        Notification.objects.filter(kind=Kind.POST_OUTDATED, post=post).values_list(
            "recipient_id", flat=True
        )
    )
    assert told == {place.colleague.pk, commenter.pk, reactor.pk}
    # The kind's default channel is in-app only.
    assert set(
        Notification.objects.filter(kind=Kind.POST_OUTDATED).values_list("channel", flat=True)
    ) == {"in_app"}
    assert outsider.pk not in told and place.owner.pk not in told
    # The post page shows the badge and links the newer post.
    web = Client()
    web.force_login(commenter)
    page = web.get(f"/posts/{post.pk}/").content.decode()
    assert "Outdated" in page and f"/posts/{newer.pk}/" in page


def test_answers_can_be_marked(place, publish, answer, run):
    question = publish(place.colleague, "Which plover form?", group=place.public, kind="question")
    reply = answer(place.owner, question, "use the plover form B")
    owner = client_for(place.owner)
    assert run(owner.post, f"comments/{reply.pk}/official").data["state"] == "official"
    found = client_for(place.colleague).get("search", params={"q": "plover", "type": "comments"})
    assert [(r["id"], r["mark"]) for r in found.data["results"]] == [(reply.pk, "official")]
    assert run(client_for(place.colleague).post, f"comments/{reply.pk}/outdated", {}).status == 403
    assert run(owner.delete, f"comments/{reply.pk}/mark").status == 204
    assert SearchDocument.objects.get(kind="comment", object_id=reply.pk).mark is None


def test_stale_content_is_badged_and_ranked_down(place, publish, settings):
    settings.HALLWAY_STALE_AFTER_DAYS = 30
    add_member(place.public, place.member)
    old = publish(place.owner, "lapwing budget", group=place.public)
    fresh = publish(place.owner, "lapwing", group=place.public)
    long_ago = timezone.now() - timedelta(days=40)
    Post.objects.filter(pk=old.pk).update(created_at=long_ago, last_activity_at=long_ago)
    recent = long_ago + timedelta(days=15)
    Post.objects.filter(pk=fresh.pk).update(created_at=recent, last_activity_at=recent)
    index_post(post_id=old.pk)
    index_post(post_id=fresh.pk)
    api = client_for(place.member)
    results = api.get("search", params={"q": "lapwing", "type": "posts"}).data["results"]
    assert [(r["id"], r["stale"]) for r in results] == [(fresh.pk, False), (old.pk, True)]
    # Activity makes it fresh again; an official mark is never stale.
    do_mark_official(actor=place.owner, post=old)
    index_post(post_id=old.pk)
    results = api.get("search", params={"q": "lapwing", "type": "posts"}).data["results"]
    assert [(r["id"], r["stale"]) for r in results] == [(old.pk, False), (fresh.pk, False)]
    web = Client()
    web.force_login(place.member)
    settings.HALLWAY_STALE_AFTER_DAYS = 1
    page = web.get("/search/", {"q": "lapwing"}).content.decode()
    assert ">official</span>" in page and ">stale</span>" in page


def test_rebuild_keeps_marks(place, publish, answer):
    post = publish(place.owner, "avocet", group=place.public)
    reply = answer(place.owner, post, "avocet reply")
    do_mark_official(actor=place.owner, post=post)
    do_mark_official(actor=place.owner, comment=reply)
    rebuild_index()
    marks = dict(SearchDocument.objects.values_list("kind", "mark"))
    assert marks == {"post": "official", "comment": "official"}
    assert SearchDocument.objects.get(kind="post").active_at is not None
