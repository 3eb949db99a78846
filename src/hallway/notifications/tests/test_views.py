"""The notifications page, the badge, opening, marking read, preferences page."""

from __future__ import annotations

from django.test import Client

from hallway.notifications.models import Kind
from hallway.notifications.tests.conftest import mention, notes
from hallway.posts.actions import do_create_post


def _browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_badge_list_open_and_mark_all(world, after_commit):
    with after_commit():
        post = do_create_post(author=world.ana, body=f"{mention(world.ben)} the giraffe plan")
        do_create_post(author=world.ana, body="Big news", kind="announcement")
    browser = _browser(world.ben)
    home = browser.get("/").content.decode()
    assert 'id="notification-badge"' in home and "data-unread" in home
    badge = browser.get("/notifications/unread-count/").content.decode()
    assert 'data-unread="2"' in badge and "hallway:unread from:document" in badge
    page = browser.get("/notifications/").content.decode()
    assert "Ana Author mentioned you in a post" in page and "giraffe plan" in page
    only = browser.get("/notifications/", {"kind": Kind.ANNOUNCEMENT}).content.decode()
    assert "mentioned you" not in only and "announcement" in only
    mention_note = notes(world.ben, kind=Kind.MENTION)[0]
    opened = browser.get(f"/notifications/{mention_note.pk}/")
    assert opened.status_code == 302 and opened["Location"] == f"/posts/{post.pk}/"
    assert 'data-unread="1"' in browser.get("/notifications/unread-count/").content.decode()
    unread_page = browser.get("/notifications/", {"unread": "1"}).content.decode()
    assert "mentioned you" not in unread_page
    browser.post("/notifications/read-all/")
    assert 'data-unread="0"' in browser.get("/notifications/unread-count/").content.decode()
    assert _browser(world.cleo).get(f"/notifications/{mention_note.pk}/").status_code == 404


def test_mark_one_read_with_htmx(world, after_commit):
    with after_commit():
        do_create_post(author=world.ana, body=f"{mention(world.ben)} hi")
    note = notes(world.ben)[0]
    response = _browser(world.ben).post(
        f"/notifications/{note.pk}/read/", headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert f'id="notification-{note.pk}"' in response.content.decode()
    note.refresh_from_db()
    assert note.read_at is not None


def test_preferences_page_saves(world):
    browser = _browser(world.ben)
    page = browser.get("/notifications/preferences/").content.decode()
    assert "Bid Team" in page and 'name="kind-reaction"' in page
    browser.post(
        "/notifications/preferences/",
        {
            "kind-mention": "digest",
            "group": [str(world.private.pk)],
            f"group-{world.private.pk}-channel": "off",
            f"group-{world.private.pk}-close": "on",
        },
    )
    from hallway.groups.models import Membership
    from hallway.notifications.preferences import kind_channels

    assert kind_channels(world.ben.pk)["mention"] == "digest"
    assert Membership.objects.get(group=world.private, user=world.ben).follow_closely


def test_thread_mute_from_a_notification(world, after_commit):
    post = do_create_post(author=world.ana, body="Post")
    browser = _browser(world.ana)
    assert browser.post(f"/notifications/threads/{post.pk}/mute/").status_code == 302
    page = browser.get("/notifications/preferences/").content.decode()
    assert f"/posts/{post.pk}/" in page
    private = do_create_post(author=world.ana, body="Numbers", group=world.private)
    assert _browser(world.dan).post(f"/notifications/threads/{private.pk}/mute/").status_code == 404
