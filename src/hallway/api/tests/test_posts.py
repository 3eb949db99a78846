"""Posts API: create in every container, read per role (hidden = 404), edit, revisions,
comments, reactions, votes, answers, files and mentions; every response checked against
the OpenAPI document."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hallway.api.tests.conftest import ApiClient, client_for, openapi
from hallway.posts.actions import do_create_post
from hallway.posts.models import Post
from hallway.posts.tests.conftest import World, build_world, mention, png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db) -> World:
    return build_world()


def test_create_read_edit_delete(world):
    alice = client_for(world.alice)
    created = alice.post(
        "posts",
        {"body": f"Hi {mention(world.bob)} #api", "group_id": world.private.pk, "title": "T"},
    )
    assert created.status == 201
    post_id = created.data["id"]
    assert created.data["container"] == {"type": "group", "id": world.private.pk, "name": "Private"}
    assert [t["slug"] for t in created.data["topics"]] == ["api"]
    assert client_for(world.bob).get(f"posts/{post_id}").status == 200
    carol = client_for(world.carol)
    hidden = carol.get(f"posts/{post_id}")
    missing = carol.get("posts/999999")
    assert hidden.status == missing.status == 404 and hidden.data == missing.data
    assert client_for(world.admin).get(f"posts/{post_id}").status == 404
    assert client_for(world.bob).patch(f"posts/{post_id}", {"body": "hijack"}).status == 403
    edited = alice.patch(f"posts/{post_id}", {"body": "Edited"})
    assert edited.status == 200 and edited.data["edited_at"] is not None
    revisions = alice.get(f"posts/{post_id}/revisions")
    assert revisions.data["results"][0]["body"].startswith("Hi")
    assert alice.delete(f"posts/{post_id}").status == 204
    assert alice.get(f"posts/{post_id}").status == 404


def test_network_and_company_for_members_only(world):
    assert (
        client_for(world.bob).post("posts", {"body": "net"}).data["container"]["type"] == "network"
    )
    assert (
        client_for(world.bob).post("posts", {"body": "co", "company_id": world.acme.pk}).status
        == 201
    )
    guest = client_for(world.guest)
    assert guest.post("posts", {"body": "net"}).status == 403
    assert guest.post("posts", {"body": "x", "group_id": world.external.pk}).status == 201
    assert guest.post("posts", {"body": "x", "group_id": world.secret.pk}).status == 404


def test_mention_refusal_names_the_person(world):
    response = client_for(world.alice).post(
        "posts", {"body": f"{mention(world.carol)}", "group_id": world.secret.pk}
    )
    assert response.status == 400
    assert "Carol Casual" in response.detail and response.data["field"] == "body"
    assert not Post.objects.exists()


def test_poll_vote_and_closed(world):
    alice = client_for(world.alice)
    created = alice.post(
        "posts", {"body": "Lunch", "kind": "poll", "poll": {"options": ["A", "B"]}}
    )
    assert created.status == 201
    options = created.data["poll"]["options"]
    voted = client_for(world.bob).post(
        f"posts/{created.data['id']}/votes", {"option_ids": [options[1]["id"]]}
    )
    assert (
        voted.status == 200
        and voted.data["options"][1]["votes"] == 1
        and voted.data["options"][1]["chosen"]
    )
    assert (
        client_for(world.bob)
        .post(f"posts/{created.data['id']}/votes", {"option_ids": [o["id"] for o in options]})
        .status
        == 400
    )


def test_comments_reactions_accept(world):
    bob, alice = client_for(world.bob), client_for(world.alice)
    question = bob.post(
        "posts", {"body": "How?", "kind": "question", "group_id": world.public.pk}
    ).data
    answer = alice.post(f"posts/{question['id']}/comments", {"body": "So."})
    assert answer.status == 201
    reply = bob.post(
        f"posts/{question['id']}/comments", {"body": "ok", "parent_id": answer.data["id"]}
    )
    assert reply.data["parent_id"] == answer.data["id"]
    page = bob.get(f"posts/{question['id']}/comments", params={"limit": 1})
    assert len(page.data["results"]) == 1 and page.data["next"]
    rest = bob.get(f"posts/{question['id']}/comments", params={"cursor": page.data["next"]})
    assert [c["id"] for c in rest.data["results"]] == [reply.data["id"]]
    reacted = alice.post(f"posts/{question['id']}/reactions", {"kind": "like"})
    assert reacted.data == {
        "active": True,
        "counts": {"like": 1, "celebrate": 0, "insightful": 0, "support": 0},
        "my_reactions": ["like"],
    }
    assert alice.post(f"posts/{question['id']}/reactions", {"kind": "like"}).data["active"] is False
    bob.post(
        f"posts/{question['id']}/reactions", {"kind": "support", "comment_id": answer.data["id"]}
    )
    alice.post(f"posts/{question['id']}/reactions", {"kind": "celebrate"})
    who = bob.get(f"posts/{question['id']}/reactions")
    assert who.data["results"][0]["person"]["name"] == "Alice Author"
    accepted = bob.post(f"posts/{question['id']}/accept", {"comment_id": answer.data["id"]})
    assert accepted.data["accepted_answer_id"] == answer.data["id"]
    assert (
        client_for(world.carol).post(f"posts/{question['id']}/accept", {"comment_id": None}).status
        == 403
    )
    assert (
        client_for(world.carol).post(f"posts/{question['id']}/comments", {"body": "x"}).status
        == 403
    )
    edited = alice.patch(f"comments/{answer.data['id']}", {"body": "So!"})
    assert edited.data["body"] == "So!"
    assert bob.delete(f"comments/{answer.data['id']}").status == 403
    assert alice.delete(f"comments/{answer.data['id']}").status == 204


def test_hidden_comment_routes_are_404(world):
    post = do_create_post(author=world.alice, body="s", group=world.secret)
    comment = client_for(world.alice).post(f"posts/{post.pk}/comments", {"body": "c"}).data
    carol = client_for(world.carol)
    assert carol.get(f"posts/{post.pk}/comments").status == 404
    assert carol.patch(f"comments/{comment['id']}", {"body": "x"}).status == 404
    assert carol.delete(f"comments/{comment['id']}").status == 404
    assert carol.post(f"posts/{post.pk}/reactions", {"kind": "like"}).status == 404
    assert carol.get(f"posts/{post.pk}/reactions").status == 404


def _upload(api: ApiClient, name: str, content: bytes):
    response = api.client.post(
        "/api/v1/files",
        {"file": SimpleUploadedFile(name, content)},
        headers={"Authorization": f"Bearer {api.token}"},
    )
    return response, openapi().check("POST", "/api/v1/files", response)


def test_files_upload_attach_and_read(world):
    alice = client_for(world.alice)
    response, body = _upload(alice, "p.png", png_bytes())
    assert response.status_code == 201 and body["is_image"]
    assert client_for(world.bob).get(f"files/{body['id']}").status == 404
    assert alice.get(f"files/{body['id']}").data["url"].startswith("/posts/files/")
    post = alice.post(
        "posts", {"body": "pic", "group_id": world.secret.pk, "attachment_ids": [body["id"]]}
    )
    assert post.data["attachments"][0]["id"] == body["id"]
    assert client_for(world.bob).get(f"files/{body['id']}").status == 200
    assert client_for(world.carol).get(f"files/{body['id']}").status == 404
    response, body = _upload(alice, "a.exe", b"MZ\x90\x00" + b"\x00" * 50)
    assert response.status_code == 415


def test_mentions_endpoint(world):
    alice = client_for(world.alice)
    names = {
        p["name"]
        for p in alice.get("mentions", params={"group_id": world.external.pk}).data["results"]
    }
    assert names == {"Alice Author", "Gina Guest"}
    found = alice.get("mentions", params={"q": "car"}).data["results"]
    assert [p["markup"] for p in found] == [f"@[Carol Casual](user:{world.carol.pk})"]
    assert (
        client_for(world.carol).get("mentions", params={"group_id": world.secret.pk}).status == 404
    )
    assert client_for(world.guest).get("mentions").status == 403


def test_anonymous_gets_401(world):
    assert ApiClient().get("posts/1").status == 401
    assert ApiClient().post("posts", {"body": "x"}).status == 401


def test_commenting_on_a_long_thread_answers_the_new_comment_in_constant_queries(
    world, django_assert_max_num_queries
):
    """The new comment is loaded on its own: not by reloading the thread, which is capped
    at MAX_COMMENTS_SHOWN and would miss it."""
    from hallway.posts.models import Comment
    from hallway.posts.selectors import MAX_COMMENTS_SHOWN

    post = do_create_post(author=world.alice, group=world.public, body="Busy thread")
    Comment.objects.bulk_create(
        Comment(post=post, author=world.bob, audience=post.audience, body=f"c{n}")
        for n in range(MAX_COMMENTS_SHOWN + 5)
    )
    alice = client_for(world.alice)
    with django_assert_max_num_queries(30):
        created = alice.post(f"posts/{post.pk}/comments", {"body": "One more"})
    assert created.status == 201
    assert created.data["body"] == "One more"
    assert created.data["id"] == Comment.objects.latest("id").pk
    edited = alice.patch(f"comments/{created.data['id']}", {"body": "One more!"})
    assert edited.status == 200 and edited.data["body"] == "One more!"
    reacted = alice.post(
        f"posts/{post.pk}/reactions", {"kind": "like", "comment_id": created.data["id"]}
    )
    assert reacted.data["counts"]["like"] == 1 and reacted.data["my_reactions"] == ["like"]
