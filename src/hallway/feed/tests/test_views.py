"""Feed pages: the home feed, Load more (htmx and plain), new posts, mutes, sections."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from hallway.core.tests.factories import (
    CompanyFactory,
    GroupFactory,
    GuestFactory,
    TopicFactory,
    UserFactory,
    add_member,
)
from hallway.feed.models import Mute
from hallway.posts.actions import do_create_post
from hallway.profiles.actions import do_follow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def browser(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world() -> dict[str, Any]:
    me, friend = UserFactory(name="Me Myself"), UserFactory(name="Fran Friend")
    group = GroupFactory(name="Platform Guild")
    add_member(group, me)
    add_member(group, friend)
    do_follow(follower=me, person=friend)
    posts = [do_create_post(author=friend, body=f"Update number {n}") for n in range(25)]
    in_group = do_create_post(author=friend, body="Guild news", group=group)
    return {"me": me, "friend": friend, "group": group, "posts": posts, "in_group": in_group}


def test_home_page_shows_composer_tabs_feed_and_load_more(world: dict[str, Any]) -> None:
    client = browser(world["me"])
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Guild news" in html and "Update number 24" in html
    assert "Update number 4" not in html  # the 21st and later are on the next page
    assert 'name="body"' in html  # the composer
    assert "?ordering=top" in html and "Load more" in html
    assert 'hx-trigger="every 30s, hallway:post from:document delay:300ms"' in html
    assert "Welcome, Me Myself" in html  # the welcome part stays
    start = html.index('rel="next" href="') + len('rel="next" href="')
    next_url = html[start : html.index('"', start)].replace("&amp;", "&")
    plain = client.get(next_url)
    assert plain.status_code == 200 and "Update number 4" in plain.content.decode()
    partial = client.get(next_url, headers={"HX-Request": "true"})
    body = partial.content.decode()
    assert "Update number 4" in body and "<html" not in body and "Guild news" not in body


def test_home_page_bad_cursor_is_400_not_500(world: dict[str, Any]) -> None:
    response = browser(world["me"]).get("/?cursor=broken")
    assert response.status_code == 400
    assert "not valid any more" in response.content.decode()


def test_top_tab(world: dict[str, Any]) -> None:
    response = browser(world["me"]).get("/?ordering=top")
    assert response.status_code == 200
    assert 'aria-current="page">Top' in response.content.decode()


def test_new_posts_indicator(world: dict[str, Any]) -> None:
    client = browser(world["me"])
    newest = world["in_group"].pk
    assert client.get(f"/feed/new/?since={newest}").content.decode().strip() == ""
    do_create_post(author=world["friend"], body="Fresh")
    assert "1 new post" in client.get(f"/feed/new/?since={newest}").content.decode()
    assert client.get("/feed/new/?since=x").status_code == 400


def test_network_stream_is_for_members_only(world: dict[str, Any]) -> None:
    assert "Update number 24" in browser(world["me"]).get("/feed/network/").content.decode()
    assert browser(GuestFactory()).get("/feed/network/").status_code == 403
    assert Client().get("/feed/network/").status_code == 302


def test_mute_and_unmute_from_buttons(world: dict[str, Any]) -> None:
    client = browser(world["me"])
    friend = world["friend"]
    response = client.post(f"/feed/mute/person/{friend.pk}/", {"next": "/feed/mutes/"})
    assert response.status_code == 302 and response["Location"] == "/feed/mutes/"
    assert Mute.objects.filter(user=world["me"], person=friend).exists()
    assert "Update number 24" not in client.get("/").content.decode()
    listed = client.get("/feed/mutes/").content.decode()
    assert "Fran Friend" in listed and "Unmute" in listed
    client.post(f"/feed/unmute/person/{friend.pk}/")
    assert not Mute.objects.filter(user=world["me"]).exists()
    # an off-site "next" is ignored; a hidden group is 404; muting yourself is refused
    evil = client.post(f"/feed/mute/group/{world['group'].pk}/", {"next": "https://evil.test/"})
    assert evil["Location"] == "/"
    secret = GroupFactory(visibility="secret", join_policy="invite")
    assert client.post(f"/feed/mute/group/{secret.pk}/").status_code == 404
    client.post(f"/feed/mute/person/{world['me'].pk}/")
    assert not Mute.objects.filter(user=world["me"], person=world["me"]).exists()
    topic = TopicFactory()
    client.post(f"/feed/mute/topic/{topic.slug}/")
    assert Mute.objects.filter(user=world["me"], topic=topic).exists()


def test_profile_topic_and_company_pages_have_a_feed_section(world: dict[str, Any]) -> None:
    client = browser(world["me"])
    friend = world["friend"]
    profile = client.get(f"/people/{friend.pk}/").content.decode()
    assert "Posts by Fran Friend" in profile and "Update number 24" in profile
    assert f"/feed/people/{friend.pk}/?cursor=" in profile
    more = client.get(f"/feed/people/{friend.pk}/")
    assert more.status_code == 200 and "Update number 6" in more.content.decode()
    topic = TopicFactory(name="Rust", slug="rust")
    tagged = do_create_post(author=friend, body="Learning #rust")
    page = client.get(f"/people/topics/{topic.slug}/").content.decode()
    assert "Posts on #Rust" in page and "Learning" in page and tagged.pk
    customer = CompanyFactory(name="Initech", slug="initech")
    do_create_post(author=friend, body="Initech renewal", company=customer)
    company_page = client.get("/companies/initech/").content.decode()
    assert "Internal posts about Initech" in company_page and "Initech renewal" in company_page
    guest_page = browser(GuestFactory()).get("/companies/initech/")
    assert "Initech renewal" not in guest_page.content.decode()
