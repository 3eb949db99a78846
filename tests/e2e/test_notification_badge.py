"""Issue 4's browser check: two people signed in, one mentions the other, and the second
sees the notification badge change without reloading (the ``unread`` event on /events/).

As in test_live_updates.py, Django's live server is WSGI: /events/ answers at once with the
events since Last-Event-ID and the browser's EventSource reconnects after ``retry``.
"""

from __future__ import annotations

from django.test import override_settings
from playwright.sync_api import expect

from hallway.core.tests.factories import TEST_PASSWORD, UserFactory
from hallway.notifications.models import Notification
from tests.e2e.conftest import screenshot, sign_in


@override_settings(HALLWAY_EVENTS_RETRY_MS=300)
def test_a_mention_raises_the_other_persons_badge_without_reload(new_page) -> None:  # type: ignore[no-untyped-def]
    writer = UserFactory(name="Mia Mentioner")
    reader = UserFactory(name="Ravi Reader")

    reader_page = new_page()
    sign_in(reader_page, reader.email, TEST_PASSWORD)
    reader_page.goto("/")
    badge = reader_page.locator("#notification-badge")
    expect(badge).to_have_attribute("data-unread", "0")
    reader_page.evaluate("window.__notReloaded = true")

    writer_page = new_page()
    sign_in(writer_page, writer.email, TEST_PASSWORD)
    writer_page.goto("/")
    writer_page.get_by_label("What do you want to share?").fill(
        f"@[{reader.name}](user:{reader.pk}) could you look at the pricing sheet?"
    )
    writer_page.get_by_role("button", name="Post", exact=True).click()
    expect(writer_page.get_by_role("status")).to_contain_text("Posted.")
    assert Notification.objects.filter(recipient=reader, kind="mention").count() == 1

    expect(badge).to_have_attribute("data-unread", "1", timeout=8_000)
    expect(badge).to_contain_text("1")
    assert reader_page.evaluate("window.__notReloaded") is True  # the same page, no reload
    screenshot(reader_page, "live-notification-badge")

    badge.click()
    expect(reader_page.get_by_text("could you look at the pricing sheet?")).to_be_visible()
