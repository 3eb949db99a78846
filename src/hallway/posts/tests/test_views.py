"""Post pages: who sees what (404 for hidden), compose, edit, delete, comments, reactions,
polls, files, mention autocomplete, and constant query counts on the post page."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hallway.accounts.actions import do_deactivate_user
from hallway.posts.actions import (
    do_create_comment,
    do_create_post,
    do_upload_attachment,
)
from hallway.posts.models import Post, Reaction
from hallway.posts.tests.conftest import mention, png_bytes, png_upload

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def posts(world):
    return {
        "network": do_create_post(author=world.alice, body="network"),
        "company": do_create_post(author=world.alice, body="company", company=world.acme),
        "public": do_create_post(author=world.alice, body="public", group=world.public),
        "private": do_create_post(author=world.alice, body="private", group=world.private),
        "secret": do_create_post(author=world.alice, body="secret", group=world.secret),
        "external": do_create_post(author=world.alice, body="external", group=world.external),
    }


EXPECTED = {
    # viewer → posts they may open
    "alice": {"network", "company", "public", "private", "secret", "external"},
    "bob": {"network", "company", "public", "private", "secret"},
    "carol": {"network", "company", "public"},
    "admin": {"network", "company", "public"},  # no break-glass: no private content
    "guest": {"external"},
    "outsider": set(),
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_post_detail_per_role(world, posts, who):
    client = client_for(getattr(world, who))
    for name, post in posts.items():
        response = client.get(reverse("post_detail", args=[post.pk]))
        expected = 200 if name in EXPECTED[who] else 404
        assert response.status_code == expected, (who, name)
        if expected == 200:
            assert name.encode() in response.content


def test_hidden_and_missing_look_the_same(world, posts):
    client = client_for(world.carol)
    hidden = client.get(reverse("post_detail", args=[posts["secret"].pk]))
    missing = client.get(reverse("post_detail", args=[999999]))
    assert hidden.status_code == missing.status_code == 404
    secret_path = reverse("post_detail", args=[posts["secret"].pk]).encode()
    missing_path = reverse("post_detail", args=[999999]).encode()

    def normalised(content: bytes, path: bytes) -> bytes:
        content = re.sub(rb'"X-CSRFToken": "[^"]+"', b"", content.replace(path, b""))
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)

    assert normalised(hidden.content, secret_path) == normalised(missing.content, missing_path)


def test_anonymous_and_deactivated_see_nothing(world, posts):
    url = reverse("post_detail", args=[posts["network"].pk])
    assert Client().get(url).status_code == 302
    client = client_for(world.bob)
    do_deactivate_user(actor=world.admin, user=world.bob)
    assert client.get(url).status_code in (302, 404)


def test_compose_on_network_and_in_group(world):
    client = client_for(world.bob)
    response = client.post(reverse("post_create"), {"body": "Hello #news", "kind": "update"})
    assert response.status_code == 302
    post = Post.objects.latest("id")
    assert post.audience == "network"
    response = client.post(
        reverse("post_create"), {"body": "In group", "kind": "update", "group": world.private.pk}
    )
    assert Post.objects.latest("id").group == world.private


def test_compose_refuses_mention_with_form_error(world):
    client = client_for(world.bob)
    response = client.post(
        reverse("post_create"),
        {"body": f"hi {mention(world.carol)}", "kind": "update", "group": world.private.pk},
    )
    assert response.status_code == 400
    assert b"Carol Casual cannot see this group" in response.content
    assert not Post.objects.exists()


def test_compose_hidden_group_is_404_and_guest_network_403(world):
    assert (
        client_for(world.carol)
        .post(reverse("post_create"), {"body": "x", "kind": "update", "group": world.secret.pk})
        .status_code
        == 404
    )
    assert (
        client_for(world.guest)
        .post(reverse("post_create"), {"body": "x", "kind": "update"})
        .status_code
        == 403
    )


def test_compose_poll_with_image(world):
    client = client_for(world.alice)
    response = client.post(
        reverse("post_create"),
        {
            "body": "Vote",
            "kind": "poll",
            "poll_options": "Yes\nNo",
            "attachments": [png_upload()],
        },
    )
    assert response.status_code == 302
    post = Post.objects.latest("id")
    page = client.get(reverse("post_detail", args=[post.pk]))
    assert b"Yes" in page.content and b'<img src="/posts/files/' in page.content


def test_edit_history_delete(world, posts):
    post = posts["public"]
    alice, bob = client_for(world.alice), client_for(world.bob)
    assert bob.get(reverse("post_edit", args=[post.pk])).status_code == 403
    assert (
        alice.post(
            reverse("post_edit", args=[post.pk]), {"body": "changed", "title": ""}
        ).status_code
        == 302
    )
    history = bob.get(reverse("post_history", args=[post.pk]))
    assert b"public" in history.content and b"changed" in history.content
    assert bob.post(reverse("post_delete", args=[post.pk]), {"confirm": "yes"}).status_code == 403
    assert alice.post(reverse("post_delete", args=[post.pk]), {}).status_code == 400
    assert alice.post(reverse("post_delete", args=[post.pk]), {"confirm": "yes"}).status_code == 302
    assert bob.get(reverse("post_detail", args=[post.pk])).status_code == 404


def test_comment_reply_react_accept(world):
    question = do_create_post(author=world.bob, body="Q?", kind="question", group=world.public)
    bob = client_for(world.bob)
    alice = client_for(world.alice)
    assert (
        alice.post(reverse("comment_create", args=[question.pk]), {"body": "A!"}).status_code == 302
    )
    comment = question.comments.get()
    assert (
        bob.post(
            reverse("comment_create", args=[question.pk]), {"body": "thanks", "parent": comment.pk}
        ).status_code
        == 302
    )
    response = bob.post(
        reverse("post_react", args=[question.pk]), {"kind": "like"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and b'aria-pressed="true"' in response.content
    assert (
        bob.post(reverse("comment_react", args=[comment.pk]), {"kind": "insightful"}).status_code
        == 302
    )
    assert Reaction.objects.count() == 2
    assert (
        bob.post(reverse("post_accept", args=[question.pk]), {"comment": comment.pk}).status_code
        == 302
    )
    page = bob.get(reverse("post_detail", args=[question.pk]))
    assert b"Accepted answer" in page.content and b"thanks" in page.content
    who = bob.get(reverse("post_reactions", args=[question.pk]))
    assert b"Bob Builder" in who.content


def test_carol_cannot_comment_in_public_group_without_joining(world, posts):
    response = client_for(world.carol).post(
        reverse("comment_create", args=[posts["public"].pk]), {"body": "x"}
    )
    assert response.status_code == 403


def test_vote_view(world):
    poll = do_create_post(author=world.alice, body="P", kind="poll", poll_options=["A", "B"])
    option = poll.poll.options.first()
    client = client_for(world.bob)
    response = client.post(
        reverse("post_vote", args=[poll.pk]), {"option": option.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'value="{option.pk}" checked'.encode() in response.content
    assert b"Change vote" in response.content


def test_attachment_download_checks_permission_and_headers(world):
    upload = do_upload_attachment(uploader=world.alice, upload=png_upload("a.png"))
    url = reverse("attachment_download", args=[upload.pk, upload.name])
    assert client_for(world.bob).get(url).status_code == 404  # not attached yet: uploader only
    response = client_for(world.alice).get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == png_bytes()
    do_create_post(author=world.alice, body="x", group=world.secret, attachment_ids=[upload.pk])
    assert client_for(world.bob).get(url).status_code == 200  # bob is in the secret group
    assert client_for(world.carol).get(url).status_code == 404
    assert client_for(world.admin).get(url).status_code == 404
    assert (
        client_for(world.alice)
        .get(reverse("attachment_download", args=[upload.pk, "other.png"]))
        .status_code
        == 404
    )


def test_non_image_downloads_as_attachment(world):
    text = SimpleUploadedFile("notes.txt", b"hello\nworld\n", content_type="text/plain")
    upload = do_upload_attachment(uploader=world.alice, upload=text)
    response = client_for(world.alice).get(
        reverse("attachment_download", args=[upload.pk, upload.name])
    )
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"].startswith("text/plain")


def test_upload_view_limits(world, settings):
    client = client_for(world.alice)
    ok = client.post(reverse("attachment_upload"), {"file": png_upload()})
    assert ok.status_code == 201
    html = SimpleUploadedFile(
        "x.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf"
    )
    assert client.post(reverse("attachment_upload"), {"file": html}).status_code == 415
    exe = SimpleUploadedFile("x.png", b"MZ\x90\x00\x03" + b"\x00" * 100, content_type="image/png")
    assert client.post(reverse("attachment_upload"), {"file": exe}).status_code == 415
    settings.HALLWAY_MAX_ATTACHMENT_BYTES = 10
    assert client.post(reverse("attachment_upload"), {"file": png_upload()}).status_code == 413


def test_mention_autocomplete_offers_only_readers(world):
    client = client_for(world.alice)
    names = client.get(
        reverse("mention_autocomplete"), {"q": "", "group": world.private.pk}
    ).content
    assert b"Bob Builder" in names and b"Carol Casual" not in names and b"Gina" not in names
    names = client.get(
        reverse("mention_autocomplete"), {"q": "", "group": world.external.pk}
    ).content
    assert b"Gina Guest" in names and b"Bob Builder" not in names
    names = client.get(reverse("mention_autocomplete"), {"q": "car"}).content
    assert b"Carol Casual" in names and b"Gina" not in names
    assert (
        client_for(world.carol)
        .get(reverse("mention_autocomplete"), {"group": world.secret.pk})
        .status_code
        == 404
    )
    # a guest sees only people in their external group
    guest_names = (
        client_for(world.guest)
        .get(reverse("mention_autocomplete"), {"group": world.external.pk})
        .content
    )
    assert b"Alice Author" in guest_names and b"Bob" not in guest_names


def test_mention_check_warns(world):
    response = client_for(world.alice).post(
        reverse("mention_check"), {"body": mention(world.carol), "group": world.private.pk}
    )
    assert b"Carol Casual cannot see this" in response.content


def _detail_queries(world, count: int) -> int:
    post = do_create_post(author=world.alice, body="p", kind="question", group=world.public)
    for index in range(count):
        comment = do_create_comment(author=world.bob, post=post, body=f"c{index}")
        if index % 5 == 0:
            do_create_comment(author=world.alice, post=post, body="r", parent=comment)
    client = client_for(world.bob)
    client.get(reverse("post_detail", args=[post.pk]))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("post_detail", args=[post.pk]))
    assert response.status_code == 200
    assert response.content.count(b'<article class="comment') == count + (count + 4) // 5
    return len(queries)


def test_post_detail_query_count_is_constant(world):
    few = _detail_queries(world, 5)
    many = _detail_queries(world, 50)
    assert few == many
    assert many <= 22
