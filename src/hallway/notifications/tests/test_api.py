"""The notifications API, every response checked against the OpenAPI document."""

from __future__ import annotations

from hallway.api.tests.conftest import ApiClient, client_for
from hallway.notifications.models import Kind
from hallway.notifications.tests.conftest import mention, notes
from hallway.posts.actions import do_create_comment, do_create_post, do_react


def _some(world, after_commit):
    with after_commit():
        post = do_create_post(author=world.ana, body="Post")
        do_create_comment(author=world.ben, post=post, body=f"{mention(world.ana)} hi")
        do_react(actor=world.ben, kind="like", post=post)
        do_react(actor=world.cleo, kind="like", post=post)
    return post


def test_list_filters_and_pages(world, after_commit):
    _some(world, after_commit)
    api = client_for(world.ana)
    page = api.get("notifications", params={"limit": 1})
    assert page.status == 200 and len(page.data["results"]) == 1 and page.data["next"]
    first = page.data["results"][0]
    assert first["kind"] == "reaction" and first["actor_count"] == 2
    assert first["text"] == "Cleo Colleague and 1 other reacted to your post"
    rest = api.get("notifications", params={"cursor": page.data["next"]})
    assert [n["kind"] for n in rest.data["results"]] == ["mention"]
    mentions = api.get("notifications", params={"kind": "mention"})
    assert [n["kind"] for n in mentions.data["results"]] == ["mention"]
    assert api.get("notifications", params={"cursor": "nope"}).status == 400
    assert api.get("notifications", params={"kind": "bogus"}).status == 422


def test_read_one_read_all_and_count(world, after_commit):
    _some(world, after_commit)
    api = client_for(world.ana)
    assert api.get("notifications/unread-count").data == {"count": 2, "capped": False}
    note = notes(world.ana)[0]
    assert api.post(f"notifications/{note.pk}/read").status == 204
    assert api.get("notifications/unread-count").data["count"] == 1
    unread = api.get("notifications", params={"unread": "true"}).data["results"]
    assert len(unread) == 1 and unread[0]["read"] is False
    assert api.post("notifications/read-all").data == {"marked": 1}
    assert api.get("notifications/unread-count").data["count"] == 0


def test_someone_elses_notification_answers_404(world, after_commit):
    _some(world, after_commit)
    note = notes(world.ana)[0]
    assert client_for(world.ben).post(f"notifications/{note.pk}/read").status == 404
    assert client_for(world.ana).post("notifications/999999/read").status == 404


def test_preferences_round_trip(world, after_commit):
    post = do_create_post(author=world.ana, body="Post")
    api = client_for(world.ben)
    prefs = api.get("notifications/preferences").data
    assert prefs["kinds"]["mention"] == "email" and prefs["kinds"]["reaction"] == "in_app"
    changed = api.put(
        "notifications/preferences",
        {
            "kinds": {"mention": "digest", "announcement": "off"},
            "groups": [{"group_id": world.private.pk, "channel": "off", "follow_closely": True}],
            "threads": [{"post_id": post.pk, "muted": True}],
        },
    ).data
    assert changed["kinds"]["mention"] == "digest"
    assert changed["kinds"]["announcement"] == "off"
    row = next(g for g in changed["groups"] if g["group_id"] == world.private.pk)
    assert row == {
        "group_id": world.private.pk,
        "name": "Bid Team",
        "channel": "off",
        "follow_closely": True,
    }
    assert changed["muted_post_ids"] == [post.pk]
    refused = api.put("notifications/preferences", {"kinds": {"reaction": "email"}})
    assert refused.status == 400
    hidden = api.put(
        "notifications/preferences", {"groups": [{"group_id": 999999, "channel": "off"}]}
    )
    assert hidden.status == 404
    reset = api.put(
        "notifications/preferences", {"groups": [{"group_id": world.private.pk, "reset": True}]}
    ).data
    assert next(g for g in reset["groups"] if g["group_id"] == world.private.pk)["channel"] is None


def test_anonymous_is_refused(world):
    assert ApiClient().get("notifications").status == 401
    assert ApiClient().get("notifications/unread-count").status == 401


def test_kinds_in_the_api_match_the_model():
    from typing import get_args

    from hallway.api.notifications import KindName

    assert set(get_args(KindName)) == set(Kind.values)
