"""Live updates in a real browser: two people signed in; a new post by one makes the other's
"new posts" indicator appear without a reload (the `post` event on /events/).

Django's live server is WSGI, where /events/ answers at once and EventSource reconnects
after ``retry`` with Last-Event-ID (ADR 0006); the streaming path itself is tested over ASGI
in src/hallway/core/tests/test_events.py and by bench/serving.py against uvicorn.
"""

from __future__ import annotations

import re

from django.test import override_settings
from playwright.sync_api import expect

from hallway.core.tests.factories import TEST_PASSWORD, UserFactory
from hallway.posts.actions import do_create_post
from hallway.profiles.actions import do_follow
from tests.e2e.conftest import screenshot, sign_in


@override_settings(HALLWAY_EVENTS_RETRY_MS=300)
def test_a_new_post_shows_up_in_the_other_persons_indicator_without_reload(new_page) -> None:  # type: ignore[no-untyped-def]
    writer = UserFactory(name="Wanda Writer")
    reader = UserFactory(name="Rick Reader")
    do_follow(follower=reader, person=writer)
    do_create_post(author=writer, body="An earlier post, so the feed is not empty.")

    reader_page = new_page()
    sign_in(reader_page, reader.email, TEST_PASSWORD)
    reader_page.goto("/")
    expect(reader_page.locator("article.post-card")).to_have_count(1)
    indicator = reader_page.locator(".new-posts-indicator")
    expect(indicator).to_be_empty()
    expect(reader_page.locator("html")).to_have_attribute("data-live", re.compile("on|connecting"))
    reader_page.evaluate(
        "window.__heard = []; document.addEventListener('hallway:post',"
        " (e) => window.__heard.push(e.detail.id))"
    )

    writer_page = new_page()
    sign_in(writer_page, writer.email, TEST_PASSWORD)
    writer_page.goto("/")
    writer_page.get_by_label("What do you want to share?").fill("Fresh news for the team.")
    writer_page.get_by_role("button", name="Post", exact=True).click()
    expect(writer_page.get_by_role("status")).to_contain_text("Posted.")

    # Well before the 30 s poll: only the live event can have refreshed it.
    expect(indicator).to_contain_text("1 new post", timeout=8_000)
    assert len(reader_page.evaluate("window.__heard")) == 1
    expect(reader_page.locator("article.post-card")).to_have_count(1)  # no reload happened
    screenshot(reader_page, "live-new-posts-indicator")


@override_settings(HALLWAY_EVENTS_RETRY_MS=300)
def test_a_new_post_in_a_group_shows_up_on_the_open_group_page_without_reload(new_page) -> None:  # type: ignore[no-untyped-def]
    from hallway.core.tests.factories import GroupFactory, add_member

    group = GroupFactory(name="Tender Desk", slug="tender-desk", visibility="private")
    writer = UserFactory(name="Gil Groupwriter")
    reader = UserFactory(name="Gwen Groupreader")
    add_member(group, writer)
    add_member(group, reader)
    do_create_post(author=writer, body="First tender note.", group=group)

    reader_page = new_page()
    sign_in(reader_page, reader.email, TEST_PASSWORD)
    reader_page.goto("/groups/tender-desk/")
    expect(reader_page.locator("article.post-card")).to_have_count(1)
    indicator = reader_page.locator(".new-posts-indicator")
    expect(indicator).to_be_empty()
    expect(reader_page.locator("html")).to_have_attribute("data-live", re.compile("on|connecting"))

    do_create_post(author=writer, body="Second tender note.", group=group)

    expect(indicator).to_contain_text("1 new post", timeout=8_000)
    expect(reader_page.locator("article.post-card")).to_have_count(1)  # no reload happened
    indicator.get_by_role("link").click()
    expect(reader_page.locator("article.post-card")).to_have_count(2)
