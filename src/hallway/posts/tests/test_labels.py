"""Permission labels of group content follow the group (ADR 0004).

A public group that admits no guests is read by every member and nobody else, so its
content carries the ``network`` label; every other group's content carries ``group:<id>``.
Changing a group's visibility or guest admission relabels its content in the same
transaction.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from hallway.core.permissions import NETWORK_LABEL, viewer_for
from hallway.core.tests.factories import add_member
from hallway.feed.selectors import home_feed, network_feed
from hallway.groups.actions import do_update_group
from hallway.posts.access import access_attachment_by_id, posts_visible_to
from hallway.posts.actions import (
    do_create_comment,
    do_create_post,
    do_delete_post,
    do_upload_attachment,
)
from hallway.posts.models import Attachment, Comment, Post, PostTopic
from hallway.posts.tests.conftest import png_upload

pytestmark = pytest.mark.django_db


def _labels_of(post: Post) -> set[str]:
    return {
        *Post.objects.filter(pk=post.pk).values_list("audience", flat=True),
        *Comment.objects.filter(post=post).values_list("audience", flat=True),
        *PostTopic.objects.filter(post=post).values_list("audience", flat=True),
        *Attachment.objects.filter(post=post).values_list("audience", flat=True),
        *Attachment.objects.filter(comment__post=post).values_list("audience", flat=True),
    }


def _full_post(world, group):
    upload = do_upload_attachment(uploader=world.alice, upload=png_upload())
    post = do_create_post(
        author=world.alice,
        group=group,
        body="Pricing notes #pricing",
        attachment_ids=[upload.pk],
    )
    do_create_comment(author=world.alice, post=post, body="A comment")
    return post


def test_public_group_content_carries_the_network_label(world):
    post = _full_post(world, world.public)
    assert world.public.label == NETWORK_LABEL
    assert _labels_of(post) == {NETWORK_LABEL}
    private_post = _full_post(world, world.private)
    assert _labels_of(private_post) == {f"group:{world.private.pk}"}


def test_members_no_longer_hold_a_label_per_public_group(world):
    labels = viewer_for(world.carol).labels
    assert f"group:{world.public.pk}" not in labels
    assert NETWORK_LABEL in labels
    assert f"group:{world.private.pk}" not in labels
    assert f"group:{world.private.pk}" in viewer_for(world.bob).labels


def test_a_public_external_group_keeps_its_own_label(world):
    external = world.external
    do_update_group(
        actor=world.admin, group=external, visibility="public", join_policy="open", reason="open"
    )
    assert external.label == f"group:{external.pk}"
    post = do_create_post(author=world.alice, group=external, body="Hello Acme")
    assert post.audience == f"group:{external.pk}"
    # Every member reads it, its guests too, other guests not.
    for person in (world.carol, world.bob, world.guest):
        assert posts_visible_to(viewer_for(person)).filter(pk=post.pk).exists(), person
    assert not posts_visible_to(viewer_for(world.outsider)).filter(pk=post.pk).exists()


def test_closing_a_public_group_relabels_everything_in_it(world):
    post = _full_post(world, world.public)
    deleted = do_create_post(author=world.alice, group=world.public, body="Gone soon")
    do_delete_post(actor=world.alice, post=deleted)
    attachment = Attachment.objects.get(post=post)
    assert access_attachment_by_id(viewer_for(world.carol), attachment.pk)

    do_update_group(
        actor=world.alice, group=world.public, visibility="private", join_policy="request"
    )

    assert _labels_of(post) == {f"group:{world.public.pk}"}
    assert not posts_visible_to(viewer_for(world.bob)).filter(pk=deleted.pk).exists()
    carol = viewer_for(world.carol)  # a member who never joined
    assert not posts_visible_to(carol).filter(pk=post.pk).exists()
    assert not network_feed(carol).results
    assert posts_visible_to(viewer_for(world.bob)).filter(pk=post.pk).exists()


def test_opening_a_private_group_relabels_it_for_every_member(world):
    post = _full_post(world, world.private)
    carol = viewer_for(world.carol)
    assert not posts_visible_to(carol).filter(pk=post.pk).exists()
    do_update_group(
        actor=world.alice,
        group=world.private,
        visibility="public",
        join_policy="open",
        reason="everyone should read this",
    )
    assert _labels_of(post) == {NETWORK_LABEL}
    assert posts_visible_to(viewer_for(world.carol)).filter(pk=post.pk).exists()
    assert not posts_visible_to(viewer_for(world.guest)).filter(pk=post.pk).exists()


def test_the_network_stream_and_announcements_leave_public_groups_out(world):
    add_member(world.public, world.admin)
    in_group = do_create_post(author=world.alice, group=world.public, body="Group talk")
    on_stream = do_create_post(author=world.alice, body="Everyone talk")
    group_announcement = do_create_post(
        author=world.admin,
        group=world.public,
        body="Group news",
        kind=Post.Kind.ANNOUNCEMENT,
        pinned_until=timezone.now() + timedelta(days=1),
    )
    carol = viewer_for(world.carol)  # follows nobody, in no group
    assert [p.pk for p in network_feed(carol).results] == [on_stream.pk]
    home = {p.pk for p in home_feed(carol).results}
    assert in_group.pk not in home
    assert group_announcement.pk not in home
    bob = viewer_for(world.bob)  # in the public group
    assert {in_group.pk, group_announcement.pk} <= {p.pk for p in home_feed(bob).results}
