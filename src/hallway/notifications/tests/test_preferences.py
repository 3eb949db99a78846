"""Each channel value, group settings, thread mutes, and the defaults."""

from __future__ import annotations

import pytest
from django.core import mail

from hallway.core.errors import ActionError
from hallway.notifications.actions import (
    do_mute_thread,
    do_set_group_notifications,
    do_set_kind_channels,
)
from hallway.notifications.models import Channel, Kind
from hallway.notifications.preferences import kind_channels
from hallway.notifications.tests.conftest import mention, notes
from hallway.posts.actions import do_create_comment, do_create_post, do_react


def test_defaults_avoid_overload(world):
    channels = kind_channels(world.ben.pk)
    assert channels[Kind.MENTION] == Channel.EMAIL
    assert channels[Kind.REPLY] == Channel.EMAIL
    assert channels[Kind.REACTION] == Channel.IN_APP
    assert {channels[k] for k in Kind.values if k not in {Kind.MENTION, Kind.REPLY}} == {
        Channel.IN_APP
    }


@pytest.mark.parametrize(
    ("channel", "in_app", "emails"),
    [
        (Channel.IN_APP, 1, 0),
        (Channel.EMAIL, 1, 1),
        (Channel.DIGEST, 1, 0),
        (Channel.OFF, 0, 0),
    ],
)
def test_each_channel(world, after_commit, channel, in_app, emails):
    do_set_kind_channels(user=world.ben, channels={Kind.MENTION: channel})
    mail.outbox.clear()
    with after_commit():
        do_create_post(author=world.ana, body=f"Hi {mention(world.ben)}")
    found = notes(world.ben)
    assert len(found) == in_app
    assert all(n.channel == channel for n in found)
    assert len(mail.outbox) == emails


def test_digest_notifications_are_candidates_for_the_digest(world, after_commit):
    from hallway.core.permissions import viewer_for
    from hallway.notifications.selectors import digest_candidates

    do_set_kind_channels(user=world.ben, channels={Kind.MENTION: Channel.DIGEST})
    with after_commit():
        post = do_create_post(author=world.ana, body=f"Hi {mention(world.ben)}")
    assert [n.post_id for n in digest_candidates(viewer_for(world.ben))] == [post.pk]


def test_reactions_are_never_emailed(world, after_commit):
    with pytest.raises(ActionError):
        do_set_kind_channels(user=world.ana, channels={Kind.REACTION: Channel.EMAIL})
    do_set_group_notifications(user=world.ana, group=world.public, channel=Channel.EMAIL)
    post = do_create_post(author=world.ana, body="Post", group=world.public)
    mail.outbox.clear()
    with after_commit():
        do_react(actor=world.ben, kind="like", post=post)
    [note] = notes(world.ana)
    assert note.channel == Channel.IN_APP
    assert mail.outbox == []


def test_muted_group_silences_all_but_mentions(world, after_commit):
    do_set_group_notifications(
        user=world.ana, group=world.private, channel=Channel.OFF, follow_closely=True
    )
    post = do_create_post(author=world.ben, body="Post", group=world.private)
    with after_commit():
        do_create_comment(author=world.ben, post=post, body="More")
        mine = do_create_post(author=world.ana, body="Mine", group=world.private)
        do_react(actor=world.ben, kind="like", post=mine)
    assert notes(world.ana) == []
    with after_commit():
        do_create_post(author=world.ben, body=f"{mention(world.ana)}", group=world.private)
    assert [n.kind for n in notes(world.ana)] == [Kind.MENTION]


def test_group_channel_replaces_the_kind_channel(world, after_commit):
    do_set_group_notifications(user=world.ana, group=world.public, channel=Channel.DIGEST)
    post = do_create_post(author=world.ana, body="Post", group=world.public)
    with after_commit():
        do_create_comment(author=world.ben, post=post, body="Reply")
    [note] = notes(world.ana)
    assert note.channel == Channel.DIGEST


def test_muted_thread(world, after_commit):
    post = do_create_post(author=world.ana, body="Busy thread")
    do_mute_thread(user=world.ana, post=post)
    with after_commit():
        do_create_comment(author=world.ben, post=post, body="One")
        do_react(actor=world.ben, kind="like", post=post)
    assert notes(world.ana) == []


def test_follow_closely_needs_membership(world):
    with pytest.raises(ActionError):
        do_set_group_notifications(user=world.dan, group=world.private, follow_closely=True)
