"""New notifications tell the recipient's open pages to refetch their unread count."""

from __future__ import annotations

from hallway.core.events import backend
from hallway.notifications.tests.conftest import mention
from hallway.posts.actions import do_create_post


def test_new_notification_publishes_unread_to_the_recipient_only(world, after_commit):
    start = backend().latest_id()
    with after_commit():
        do_create_post(author=world.ana, body=f"{mention(world.ben)} hi")
    events = [e for e in backend().since(start) if e.name == "unread"]
    assert [e.user_ids for e in events] == [(world.ben.pk,)]
    assert all(e.data == {} for e in events)
