"""The group page's posts: "Load more" with htmx answers with the next cards only, and the
Files tab links each file to its download and to its post."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hallway.core.tests.factories import GroupFactory, UserFactory, add_member
from hallway.feed.selectors import DEFAULT_LIMIT
from hallway.posts.actions import do_create_post

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def group_with_posts(count: int, *, visibility: str = "public", slug: str = "guild") -> Any:
    group = GroupFactory(
        name="Platform Guild",
        slug=slug,
        visibility=visibility,
        join_policy="request" if visibility == "private" else "open",
    )
    author = UserFactory(name="Fran Friend")
    add_member(group, author)
    for number in range(count):
        do_create_post(author=author, body=f"Guild update number {number}", group=group)
    return group


def next_cursor(html: str) -> str:
    match = re.search(r'hx-get="\?cursor=([^"&]+)"', html)
    assert match is not None, "no Load more link"
    return match.group(1)


def test_load_more_with_htmx_answers_with_the_next_cards_only() -> None:
    group = group_with_posts(DEFAULT_LIMIT + 5)
    reader = UserFactory(name="Rita Reader")
    add_member(group, reader)
    client = client_for(reader)

    first = client.get("/groups/guild/")
    assert first.status_code == 200
    first_html = first.content.decode()
    assert "<html" in first_html
    assert f"Guild update number {DEFAULT_LIMIT + 4}" in first_html
    assert "Guild update number 4<" not in first_html
    assert "HX-Request" in first["Vary"]
    cursor = next_cursor(first_html)

    partial = client.get(f"/groups/guild/?cursor={cursor}", **HTMX)
    assert partial.status_code == 200
    html = partial.content.decode()
    assert "<html" not in html
    assert 'id="composer-heading"' not in html
    assert "About" not in html
    assert html.count('class="card post-card') == 5
    for number in range(5):
        assert f"Guild update number {number}<" in html
    assert f"Guild update number {DEFAULT_LIMIT + 4}" not in html
    assert "Load more" not in html  # the last page
    assert "HX-Request" in partial["Vary"]

    # Without htmx (no JavaScript), the same link is the whole page.
    plain = client.get(f"/groups/guild/?cursor={cursor}")
    assert plain.status_code == 200
    assert "<html" in plain.content.decode()
    assert "Guild update number 0<" in plain.content.decode()


def test_first_page_with_htmx_is_the_whole_page() -> None:
    # A boosted or history navigation to the group page without a cursor is a page.
    group = group_with_posts(2)
    reader = UserFactory()
    add_member(group, reader)
    response = client_for(reader).get("/groups/guild/", **HTMX)
    assert response.status_code == 200
    assert "<html" in response.content.decode()


def test_load_more_shows_a_non_member_nothing_of_a_private_group() -> None:
    group = group_with_posts(DEFAULT_LIMIT + 3, visibility="private")
    member = UserFactory()
    add_member(group, member)
    cursor = next_cursor(client_for(member).get("/groups/guild/").content.decode())

    outsider = client_for(UserFactory(name="Otto Outsider"))
    response = outsider.get(f"/groups/guild/?cursor={cursor}", **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html  # the page with "ask to join", never cards
    assert "Guild update" not in html
    assert "post-card" not in html
    assert "Only this group's members can read its posts." in html


def test_load_more_with_a_bad_cursor_is_a_400_page() -> None:
    group = group_with_posts(1)
    reader = UserFactory()
    add_member(group, reader)
    response = client_for(reader).get("/groups/guild/?cursor=garbage!", **HTMX)
    assert response.status_code == 400
    assert "This page link is not valid any more" in response.content.decode()


def test_load_more_query_count_does_not_grow_with_the_page(
    django_assert_max_num_queries: Any,
) -> None:
    reader = UserFactory()
    counts = []
    for slug, extra in (("small", 2), ("large", DEFAULT_LIMIT)):
        group = group_with_posts(DEFAULT_LIMIT + extra, slug=slug)
        add_member(group, reader)
        client = client_for(reader)
        cursor = next_cursor(client.get(f"/groups/{slug}/").content.decode())
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/groups/{slug}/?cursor={cursor}", **HTMX)
        assert response.status_code == 200
        assert response.content.decode().count('class="card post-card') == extra
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(counts[1]):
        client.get(f"/groups/large/?cursor={cursor}", **HTMX)


def test_files_link_to_their_download_and_to_their_post() -> None:
    group = GroupFactory(name="Bid Team", slug="bid-team", visibility="private")
    author = UserFactory(name="Fran Friend")
    add_member(group, author)
    upload = SimpleUploadedFile("notes.txt", b"Plain notes\n", content_type="text/plain")
    post = do_create_post(author=author, body="The notes", group=group, uploads=[upload])
    attachment = post.attachments.get()

    client = client_for(author)
    html = client.get("/groups/bid-team/files/").content.decode()
    download = f"/posts/files/{attachment.pk}/notes.txt"
    assert f'<a class="file-list__name" href="{download}">notes.txt</a>' in html
    assert f'href="/posts/{post.pk}/"' in html
    downloaded = client.get(download)
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == b"Plain notes\n"  # type: ignore[attr-defined]

    # Someone outside the private group sees neither the file nor a link to it.
    outsider_html = client_for(UserFactory()).get("/groups/bid-team/files/").content.decode()
    assert "notes.txt" not in outsider_html
    assert download not in outsider_html


def test_group_page_counts_new_posts_readers_may_see() -> None:
    group = group_with_posts(2, visibility="private", slug="bids")
    reader = UserFactory(name="Rita Reader")
    add_member(group, reader)
    outsider = UserFactory(name="Otto Outside")
    page = client_for(reader).get("/groups/bids/").content.decode()
    since = int(re.search(r"new-posts/\?since=(\d+)", page).group(1))  # type: ignore[union-attr]
    assert 'hx-trigger="every 30s, hallway:post from:document delay:300ms"' in page

    author = group.memberships.exclude(user=reader).first().user
    do_create_post(author=author, body="Fresh bid news", group=group)
    do_create_post(author=reader, body="My own post is not news to me", group=group)
    do_create_post(author=author, body="Elsewhere")  # the network stream, not this group

    answer = client_for(reader).get(f"/groups/bids/new-posts/?since={since}")
    assert answer.status_code == 200
    assert "1 new post" in answer.content.decode()
    assert 'href="/groups/bids/"' in answer.content.decode()
    assert client_for(outsider).get(f"/groups/bids/new-posts/?since={since}").status_code == 403
    assert client_for(reader).get("/groups/bids/new-posts/?since=x").status_code == 400
