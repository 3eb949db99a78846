"""The post card's "…" menu: mute the author, the group, each topic; on every page that shows
post cards, coming back to that page after muting."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from hallway.core.tests.factories import GroupFactory, UserFactory, add_member, host_company
from hallway.feed.models import Mute
from hallway.posts.actions import do_create_post
from hallway.profiles.actions import do_follow

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<details class="post-menu">.*?</details>', re.S)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world() -> dict[str, Any]:
    me, fran = UserFactory(name="Me Myself"), UserFactory(name="Fran Friend")
    group = GroupFactory(name="Platform Guild", slug="guild")
    add_member(group, me)
    add_member(group, fran)
    do_follow(follower=me, person=fran)
    in_group = do_create_post(
        author=fran, body="Cluster upgrade done #kubernetes", group=group, topics=["On call"]
    )
    return {"me": me, "fran": fran, "group": group, "post": in_group}


def card_menu(html: str, post_id: int) -> str:
    """The menu inside one post's card."""
    start = html.index(f'id="post-{post_id}"')
    end = html.index("</article>", start)
    match = MENU.search(html, start, end)
    return match.group(0) if match else ""


def test_menu_offers_to_mute_the_author_the_group_and_each_topic(world: dict[str, Any]) -> None:
    post, group, fran = world["post"], world["group"], world["fran"]
    html = client_for(world["me"]).get("/").content.decode()
    menu = card_menu(html, post.pk)
    assert '<summary aria-label="More actions for this post">' in menu
    assert '<ul class="post-menu__list">' in menu
    forms = re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', menu, re.S)
    actions = [action for action, _ in forms]
    assert actions[:2] == [f"/feed/mute/person/{fran.pk}/", f"/feed/mute/group/{group.pk}/"]
    # Topics in the order the card lists them (by name; the collation decides case).
    assert sorted(actions[2:]) == ["/feed/mute/topic/kubernetes/", "/feed/mute/topic/on-call/"]
    labels = [re.search(r"<button[^>]*>(.*?)</button>", body).group(1) for _, body in forms]  # type: ignore[union-attr]
    assert labels[:2] == ["Mute Fran Friend", "Mute the group Platform Guild"]
    assert sorted(labels[2:]) == ["Mute #On call", "Mute #kubernetes"]
    for _, body in forms:
        assert 'name="csrfmiddlewaretoken"' in body
        assert '<input type="hidden" name="next" value="/">' in body


def test_no_mute_yourself_and_no_empty_menu(world: dict[str, Any]) -> None:
    me = world["me"]
    own_in_group = do_create_post(author=me, body="My guild note", group=world["group"])
    own_plain = do_create_post(author=me, body="Just me, no topics")
    html = client_for(me).get("/").content.decode()
    menu = card_menu(html, own_in_group.pk)
    assert "Mute the group Platform Guild" in menu
    assert "/feed/mute/person/" not in menu
    assert card_menu(html, own_plain.pk) == ""


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/groups/guild/",
        "/posts/{post}/",
        "/feed/network/",
        "/feed/people/{fran}/",
        "/feed/topics/kubernetes/",
        "/people/{fran}/",
        "/people/topics/kubernetes/",
    ],
)
def test_menu_on_every_page_with_cards_comes_back_to_that_page(
    world: dict[str, Any], path: str
) -> None:
    post = world["post"]
    if "{" in path:
        path = path.format(post=post.pk, fran=world["fran"].pk)
    client = client_for(world["me"])
    if path == "/feed/network/":
        post = do_create_post(author=world["fran"], body="To everyone #kubernetes")
    response = client.get(path)
    assert response.status_code == 200
    menu = card_menu(response.content.decode(), post.pk)
    assert f'action="/feed/mute/person/{world["fran"].pk}/"' in menu
    assert f'<input type="hidden" name="next" value="{path}">' in menu


def test_company_page_cards_have_the_menu() -> None:
    host = host_company()
    me, fran = UserFactory(name="Me Myself"), UserFactory(name="Fran Friend")
    post = do_create_post(author=fran, body="About the host, internally", company=host)
    html = client_for(me).get(f"/feed/companies/{host.slug}/").content.decode()
    assert "Mute Fran Friend" in card_menu(html, post.pk)


def test_load_more_cards_come_back_to_the_page_they_were_loaded_from(
    world: dict[str, Any],
) -> None:
    for number in range(25):
        do_create_post(author=world["fran"], body=f"Update {number}", group=world["group"])
    client = client_for(world["me"])
    first = client.get("/groups/guild/").content.decode()
    cursor = re.search(r'hx-get="\?cursor=([^"&]+)"', first).group(1)  # type: ignore[union-attr]
    partial = client.get(f"/groups/guild/?cursor={cursor}", HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html
    assert html.count('<details class="post-menu">') == html.count('class="card post-card')
    assert f'name="next" value="/groups/guild/?cursor={cursor}"' in html


def test_muting_from_the_menu_hides_the_author_and_comes_back(world: dict[str, Any]) -> None:
    me, fran, post = world["me"], world["fran"], world["post"]
    client = client_for(me)
    assert f'id="post-{post.pk}"' in client.get("/").content.decode()

    response = client.post(f"/feed/mute/person/{fran.pk}/", {"next": "/groups/guild/"})
    assert response.status_code == 302
    assert response["Location"] == "/groups/guild/"
    assert Mute.objects.filter(user=me, person=fran).exists()
    assert f'id="post-{post.pk}"' not in client.get("/").content.decode()

    client.post("/feed/mute/topic/kubernetes/", {"next": "https://evil.example/"})
    assert Mute.objects.filter(user=me, topic__slug="kubernetes").exists()
    away = client.post(f"/feed/mute/group/{world['group'].pk}/", {"next": "//evil.example/"})
    assert away["Location"] == "/"
