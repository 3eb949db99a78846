"""Selectors: hydrating posts in constant queries, flags per viewer, break-glass, mentions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hallway.core.permissions import viewer_for
from hallway.groups.models import BreakGlassAccess
from hallway.posts.actions import do_create_post, do_react, do_upload_attachment, do_vote
from hallway.posts.selectors import check_mentions, hydrate_posts, mention_candidates
from hallway.posts.tests.conftest import mention, png_upload

pytestmark = pytest.mark.django_db


def _mixed_posts(world, count):
    posts = []
    for index in range(count):
        kind = ["update", "question", "poll", "praise"][index % 4]
        extra = {}
        if kind == "poll":
            extra = {"poll_options": ["A", "B"]}
        if kind == "praise":
            extra = {"praised_ids": [world.bob.pk]}
        upload = do_upload_attachment(uploader=world.alice, upload=png_upload())
        post = do_create_post(
            author=world.alice,
            body=f"post {index} #topic{index % 3}",
            kind=kind,
            group=world.public if index % 2 else None,
            attachment_ids=[upload.pk],
            **extra,
        )
        do_react(actor=world.bob, post=post, kind="like")
        if kind == "poll":
            do_vote(actor=world.bob, post=post, option_ids=[post.poll.options.first().pk])
        posts.append(post)
    return posts


def _queries(world, posts):
    viewer = viewer_for(world.bob)
    assert viewer.labels  # computed once per request, outside the measured part
    with CaptureQueriesContext(connection) as captured:
        hydrated = hydrate_posts(viewer, posts)
        for post in hydrated:
            assert post.author.name
            assert (post.group, post.reaction_summary.buttons, post.topic_list) is not None
    return len(captured), hydrated


def test_hydrate_posts_constant_queries(world):
    few, _ = _queries(world, _mixed_posts(world, 4))
    many, hydrated = _queries(world, _mixed_posts(world, 24))
    assert few == many <= 8
    poll = next(post for post in hydrated if post.kind == "poll")
    assert poll.poll_data["has_voted"] and poll.poll_data["total_votes"] == 1
    assert all(post.reaction_summary.mine == {"like"} for post in hydrated)
    assert all(len(post.image_attachments) == 1 for post in hydrated)
    praise = next(post for post in hydrated if post.kind == "praise")
    assert praise.praised_people == [world.bob]


def test_hydrate_drops_what_the_viewer_cannot_read_and_sets_flags(world):
    secret = do_create_post(author=world.bob, body="s", group=world.secret)
    public = do_create_post(author=world.bob, body="p", group=world.public)
    network = do_create_post(author=world.bob, body="n")
    assert [p.pk for p in hydrate_posts(viewer_for(world.carol), [secret, public])] == [public.pk]
    (carol_view,) = hydrate_posts(viewer_for(world.carol), [public])
    assert not carol_view.can_comment and not carol_view.can_delete and not carol_view.can_edit
    alice_views = hydrate_posts(viewer_for(world.alice), [secret, public, network])
    assert [p.can_delete for p in alice_views] == [True, True, False]  # owner moderates
    bob_views = hydrate_posts(viewer_for(world.bob), [secret])
    assert bob_views[0].can_edit and bob_views[0].can_comment
    admin_views = hydrate_posts(viewer_for(world.admin), [network, secret])
    assert [p.pk for p in admin_views] == [network.pk] and admin_views[0].can_delete
    assert hydrate_posts(viewer_for(world.gone), [network]) == []


def test_admin_reads_private_content_only_through_break_glass(world):
    post = do_create_post(author=world.bob, body="private", group=world.private)
    assert hydrate_posts(viewer_for(world.admin), [post]) == []
    BreakGlassAccess.objects.create(
        group=world.private,
        admin=world.admin,
        reason="investigation",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    assert [p.pk for p in hydrate_posts(viewer_for(world.admin), [post])] == [post.pk]


def test_mention_candidates_and_check(world):
    private = f"group:{world.private.pk}"
    alice = viewer_for(world.alice)
    assert set(mention_candidates(alice, private)) == {world.alice, world.bob}  # gone is inactive
    check = check_mentions(alice, f"{mention(world.bob)} {mention(world.carol)}", private)
    assert check.allowed == [world.bob] and check.refused == [world.carol] and not check.ok
    guest_candidates = set(
        mention_candidates(viewer_for(world.guest), f"group:{world.external.pk}")
    )
    assert guest_candidates == {world.alice, world.guest}


def test_praised_people_a_guest_can_no_longer_see_are_left_out():
    from hallway.core.tests.factories import GroupFactory, GuestFactory, UserFactory, add_member
    from hallway.groups.models import Membership

    guest, author, praised = GuestFactory(), UserFactory(), UserFactory()
    room = GroupFactory(
        visibility="private", join_policy="invite", is_external=True, companies=[guest.company]
    )
    for person in (guest, author, praised):
        add_member(room, person)
    post = do_create_post(
        author=author, body="Thanks!", kind="praise", group=room, praised_ids=[praised.pk]
    )
    [card] = hydrate_posts(viewer_for(guest), [post])
    assert card.praised_people == [praised]
    Membership.objects.filter(group=room, user=praised).delete()  # left the group
    [card] = hydrate_posts(viewer_for(guest), [post])
    assert card.praised_people == []
