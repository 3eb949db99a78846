"""Post, comment, reaction, poll and attachment actions: every kind, every refusal, and a
refusal never leaves anything written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.models import AuditEvent
from hallway.groups.models import NetworkSettings
from hallway.posts.actions import (
    do_accept_answer,
    do_create_comment,
    do_create_post,
    do_delete_comment,
    do_delete_post,
    do_edit_comment,
    do_edit_post,
    do_react,
    do_upload_attachment,
    do_vote,
)
from hallway.posts.models import (
    Attachment,
    Comment,
    Poll,
    PollOption,
    PollVote,
    Post,
    PostRevision,
    PostTopic,
    Reaction,
)
from hallway.posts.tests.conftest import mention, png_upload
from hallway.profiles.models import Topic

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Post.objects.count(),
        PostTopic.objects.count(),
        Poll.objects.count(),
        PollOption.objects.count(),
        Attachment.objects.filter(post__isnull=False).count(),
        Topic.objects.count(),
        Post.mentions.through.objects.count(),
        Post.praised.through.objects.count(),
    )


@pytest.fixture
def nothing_written(world):
    before = _counts()
    yield
    assert _counts() == before


def test_update_in_group_with_mentions_and_topics(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = do_create_post(
            author=world.alice,
            body=f"Hi {mention(world.bob)} about #Rust",
            group=world.private,
            topics=["Tooling"],
        )
    assert post.audience == f"group:{world.private.pk}"
    assert list(post.mentions.all()) == [world.bob]
    assert f'href="/people/{world.bob.pk}/"' in post.body_html
    topics = PostTopic.objects.filter(post=post)
    assert {t.topic.slug for t in topics} == {"rust", "tooling"}
    assert {t.audience for t in topics} == {post.audience}


def test_network_and_company_posts_are_for_members(world):
    post = do_create_post(author=world.carol, body="Hello everyone")
    assert post.audience == "network"
    post = do_create_post(author=world.carol, body="Acme notes", company=world.acme)
    assert post.audience == "network"
    for kwargs in ({}, {"company": world.acme}):
        with pytest.raises(PermissionDenied):
            do_create_post(author=world.guest, body="nope", **kwargs)


def test_guest_posts_in_their_external_group(world):
    post = do_create_post(author=world.guest, body="From Acme", group=world.external)
    assert post.audience == f"group:{world.external.pk}"


def test_non_members_cannot_post_in_groups(world, nothing_written):
    for author, group in [
        (world.carol, world.public),
        (world.carol, world.private),
        (world.outsider, world.external),
        (world.admin, world.secret),
    ]:
        with pytest.raises(PermissionDenied):
            do_create_post(author=author, body="x", group=group)


def test_mention_of_someone_who_cannot_read_is_refused_by_name(world, nothing_written):
    with pytest.raises(ActionError) as error:
        do_create_post(
            author=world.alice,
            body=f"{mention(world.carol)} look #newtopic",
            group=world.private,
            topics=["another"],
        )
    assert "Carol Casual" in error.value.message
    assert error.value.field == "body"


def test_guest_cannot_be_mentioned_on_network_and_unknown_ids_are_refused(world, nothing_written):
    with pytest.raises(ActionError, match="Gina Guest"):
        do_create_post(author=world.alice, body=f"hey {mention(world.guest)}")
    with pytest.raises(ActionError, match="does not exist"):
        do_create_post(author=world.alice, body="hey @[X](user:999999)")


def test_guest_cannot_mention_people_they_cannot_see(world, nothing_written):
    # carol is a member the guest cannot see; not named in the error either
    with pytest.raises(ActionError) as error:
        do_create_post(author=world.guest, body=f"hi {mention(world.carol)}", group=world.external)
    assert "Carol" not in error.value.message


def test_question_and_accepted_answer(world):
    question = do_create_post(
        author=world.bob, body="How?", kind="question", group=world.public, title="Q"
    )
    answer = do_create_comment(author=world.alice, post=question, body="Like this")
    do_accept_answer(actor=world.bob, post=question, comment=answer)
    assert Post.objects.get(pk=question.pk).accepted_answer_id == answer.pk
    # the group owner (moderator) may change it; others may not
    do_accept_answer(actor=world.alice, post=question, comment=None)
    with pytest.raises(PermissionDenied):
        do_accept_answer(actor=world.carol, post=question, comment=answer)
    other = do_create_post(author=world.bob, body="Other", kind="question", group=world.public)
    foreign = do_create_comment(author=world.bob, post=other, body="a")
    with pytest.raises(ActionError):
        do_accept_answer(actor=world.bob, post=question, comment=foreign)
    update = do_create_post(author=world.bob, body="u", group=world.public)
    with pytest.raises(ActionError):
        do_accept_answer(actor=world.bob, post=update, comment=None)


def test_announcements_for_admins_and_leaders_only(world, nothing_written):
    until = timezone.now() + timedelta(days=3)
    with pytest.raises(PermissionDenied):
        do_create_post(author=world.bob, body="Big news", kind="announcement")
    with pytest.raises(ActionError):
        do_create_post(
            author=world.admin,
            body="Past",
            kind="announcement",
            pinned_until=timezone.now() - timedelta(hours=1),
        )
    with pytest.raises(ActionError):
        do_create_post(author=world.bob, body="u", pinned_until=until)


def test_announcement_pinned(world):
    until = timezone.now() + timedelta(days=3)
    post = do_create_post(author=world.admin, body="News", kind="announcement", pinned_until=until)
    assert post.pinned_until == until
    NetworkSettings.load().announcement_leaders.add(world.bob)
    assert do_create_post(author=world.bob, body="Lead", kind="announcement").kind == "announcement"


def test_praise_for_mentioned_people(world):
    post = do_create_post(
        author=world.alice, body=f"Thanks {mention(world.bob)}!", kind="praise", group=world.public
    )
    assert list(post.praised.all()) == [world.bob]
    post = do_create_post(
        author=world.alice,
        body="Thanks team",
        kind="praise",
        praised_ids=[world.bob.pk, world.carol.pk],
    )
    assert set(post.praised.all()) == {world.bob, world.carol}


def test_praise_refusals(world, nothing_written):
    with pytest.raises(ActionError, match="one to ten"):
        do_create_post(author=world.alice, body="Thanks nobody", kind="praise")
    with pytest.raises(ActionError, match="can see"):
        do_create_post(
            author=world.alice,
            body="x",
            kind="praise",
            group=world.private,
            praised_ids=[world.carol.pk],
        )
    with pytest.raises(ActionError):
        do_create_post(author=world.alice, body="x", praised_ids=[world.bob.pk])


def test_poll_single_and_multiple_votes(world):
    poll_post = do_create_post(
        author=world.alice, body="Lunch?", kind="poll", poll_options=["Pizza", "Soup", "Salad"]
    )
    options = list(PollOption.objects.filter(poll__post=poll_post))
    do_vote(actor=world.bob, post=poll_post, option_ids=[options[0].pk])
    do_vote(actor=world.bob, post=poll_post, option_ids=[options[1].pk])  # change
    assert [o.vote_count for o in PollOption.objects.filter(poll__post=poll_post)] == [0, 1, 0]
    with pytest.raises(ActionError):
        do_vote(actor=world.bob, post=poll_post, option_ids=[options[0].pk, options[2].pk])
    multi = do_create_post(
        author=world.alice, body="Which?", kind="poll", poll_options=["A", "B"], poll_multiple=True
    )
    multi_options = list(PollOption.objects.filter(poll__post=multi))
    do_vote(actor=world.carol, post=multi, option_ids=[o.pk for o in multi_options])
    assert PollVote.objects.filter(poll__post=multi).count() == 2
    with pytest.raises(ActionError):
        do_vote(actor=world.carol, post=multi, option_ids=[options[0].pk])  # another poll's option


def test_closed_poll_refuses_votes(world):
    post = do_create_post(
        author=world.alice,
        body="Soon closed",
        kind="poll",
        poll_options=["A", "B"],
        poll_closes_at=timezone.now() + timedelta(hours=1),
    )
    Poll.objects.filter(post=post).update(closes_at=timezone.now() - timedelta(seconds=1))
    option = PollOption.objects.filter(poll__post=post).first()
    with pytest.raises(ActionError, match="closed") as error:
        do_vote(actor=world.bob, post=post, option_ids=[option.pk])
    assert error.value.status == 409
    assert PollVote.objects.count() == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"poll_options": ["Only one"]},
        {"poll_options": [str(n) for n in range(11)]},
        {"poll_options": ["Same", "same"]},
        {"poll_options": ["A", "B"], "poll_closes_at": "past"},
    ],
)
def test_poll_refusals(world, nothing_written, kwargs):
    if kwargs.get("poll_closes_at") == "past":
        kwargs["poll_closes_at"] = timezone.now() - timedelta(minutes=1)
    with pytest.raises(ActionError):
        do_create_post(author=world.alice, body="Poll #x", kind="poll", **kwargs)


def test_options_on_a_non_poll_are_refused(world, nothing_written):
    with pytest.raises(ActionError):
        do_create_post(author=world.alice, body="x", poll_options=["A", "B"])


@pytest.mark.parametrize(
    ("body", "title", "kind"),
    [
        ("", "", "update"),
        ("   ", "", "update"),
        ("x" * 20001, "", "update"),
        ("ok", "t" * 201, "update"),
        ("ok", "", "story"),
    ],
)
def test_bad_input_is_refused(world, nothing_written, body, title, kind):
    with pytest.raises(ActionError):
        do_create_post(author=world.alice, body=body, title=title, kind=kind)


def test_attachments_move_to_the_posts_audience(world):
    upload = do_upload_attachment(uploader=world.alice, upload=png_upload())
    assert upload.audience == f"user:{world.alice.pk}"
    post = do_create_post(
        author=world.alice, body="pic", group=world.secret, attachment_ids=[upload.pk]
    )
    upload.refresh_from_db()
    assert (upload.post_id, upload.audience) == (post.pk, post.audience)
    with pytest.raises(ActionError):  # already attached
        do_create_post(author=world.alice, body="again", attachment_ids=[upload.pk])


def test_someone_elses_upload_cannot_be_attached(world, nothing_written):
    upload = do_upload_attachment(uploader=world.bob, upload=png_upload())
    with pytest.raises(ActionError):
        do_create_post(author=world.alice, body="steal #t", attachment_ids=[upload.pk])
    upload.refresh_from_db()
    assert upload.post_id is None and upload.audience == f"user:{world.bob.pk}"


def test_uploads_with_the_post_and_bad_upload_writes_nothing(world, nothing_written):
    bad = SimpleUploadedFile(
        "evil.png", b"<script>alert(1)</script>\x00\x01", content_type="image/png"
    )
    with pytest.raises(ActionError):
        do_create_post(author=world.alice, body="files #t", uploads=[png_upload(), bad])


def test_edit_keeps_revision_and_recomputes(world):
    post = do_create_post(
        author=world.alice, body=f"v1 #old {mention(world.bob)}", group=world.private
    )
    do_edit_post(actor=world.alice, post=post, body="v2 #new", title="T")
    post.refresh_from_db()
    assert post.body == "v2 #new" and post.title == "T" and post.edited_at is not None
    assert PostRevision.objects.get(post=post).body.startswith("v1")
    assert [t.topic.slug for t in PostTopic.objects.filter(post=post)] == ["new"]
    assert post.mentions.count() == 0
    with pytest.raises(PermissionDenied):
        do_edit_post(actor=world.bob, post=post, body="hijack")
    with pytest.raises(ActionError):
        do_edit_post(actor=world.alice, post=post, body=f"{mention(world.carol)} #x")
    # a refused edit wrote nothing
    assert PostRevision.objects.filter(post=post).count() == 1
    assert Post.objects.get(pk=post.pk).body == "v2 #new"


def test_delete_is_soft_and_audited_for_moderators(world):
    post = do_create_post(author=world.bob, body="oops", group=world.public)
    with pytest.raises(PermissionDenied):
        do_delete_post(actor=world.carol, post=post)
    do_delete_post(actor=world.alice, post=post)  # group owner
    post.refresh_from_db()
    assert post.deleted_at is not None and post.deleted_by == world.alice
    event = AuditEvent.objects.get(action="post.delete")
    assert event.target_id == str(post.pk) and event.actor == world.alice
    own = do_create_post(author=world.bob, body="mine")
    do_delete_post(actor=world.bob, post=own)
    assert AuditEvent.objects.filter(action="post.delete").count() == 1


def test_admin_deletes_network_posts_but_not_group_posts(world):
    network_post = do_create_post(author=world.bob, body="n")
    do_delete_post(actor=world.admin, post=network_post)
    group_post = do_create_post(author=world.bob, body="g", group=world.private)
    with pytest.raises(PermissionDenied):
        do_delete_post(actor=world.admin, post=group_post)


def test_comments_replies_one_level_and_counts(world):
    post = do_create_post(author=world.alice, body="p", group=world.public)
    top = do_create_comment(author=world.bob, post=post, body="top")
    reply = do_create_comment(author=world.alice, post=post, body="reply", parent=top)
    deeper = do_create_comment(author=world.bob, post=post, body="deeper", parent=reply)
    assert reply.parent_id == top.pk and deeper.parent_id == top.pk
    assert Post.objects.get(pk=post.pk).comment_count == 3
    assert deeper.audience == post.audience
    do_delete_comment(actor=world.bob, comment=top)  # takes its replies
    assert Post.objects.get(pk=post.pk).comment_count == 0
    assert Comment.objects.filter(deleted_at__isnull=True).count() == 0


def test_comment_refusals(world):
    post = do_create_post(author=world.alice, body="p", group=world.private)
    with pytest.raises(PermissionDenied):
        do_create_comment(author=world.carol, post=post, body="x")
    with pytest.raises(ActionError, match="Carol"):
        do_create_comment(author=world.bob, post=post, body=mention(world.carol))
    other = do_create_post(author=world.alice, body="o", group=world.private)
    foreign = do_create_comment(author=world.bob, post=other, body="f")
    with pytest.raises(ActionError):
        do_create_comment(author=world.bob, post=post, body="x", parent=foreign)
    assert Comment.objects.filter(post=post).count() == 0
    assert Post.objects.get(pk=post.pk).comment_count == 0


def test_comment_edit_and_moderated_delete(world):
    post = do_create_post(author=world.alice, body="p", group=world.public)
    comment = do_create_comment(author=world.bob, post=post, body="c")
    do_edit_comment(actor=world.bob, comment=comment, body="c2")
    assert Comment.objects.get(pk=comment.pk).body == "c2"
    with pytest.raises(PermissionDenied):
        do_edit_comment(actor=world.alice, comment=comment, body="x")
    with pytest.raises(PermissionDenied):
        do_delete_comment(actor=world.carol, comment=comment)
    do_delete_comment(actor=world.alice, comment=comment)
    assert AuditEvent.objects.filter(action="comment.delete").count() == 1


def test_reactions_toggle_per_kind(world):
    post = do_create_post(author=world.alice, body="p")
    assert do_react(actor=world.bob, post=post, kind="like") is True
    assert do_react(actor=world.bob, post=post, kind="celebrate") is True
    assert Post.objects.get(pk=post.pk).reaction_count == 2
    assert do_react(actor=world.bob, post=post, kind="like") is False
    assert Post.objects.get(pk=post.pk).reaction_count == 1
    comment = do_create_comment(author=world.bob, post=post, body="c")
    do_react(actor=world.alice, comment=comment, kind="support")
    assert Comment.objects.get(pk=comment.pk).reaction_count == 1
    with pytest.raises(ActionError):
        do_react(actor=world.alice, post=post, kind="angry")
    assert Reaction.objects.count() == 2


def test_last_activity_moves_with_comments(world):
    post = do_create_post(author=world.alice, body="p")
    before = Post.objects.get(pk=post.pk).last_activity_at
    do_create_comment(author=world.bob, post=post, body="c")
    assert Post.objects.get(pk=post.pk).last_activity_at > before


def test_fanout_hook_and_preview_are_called_after_commit(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    calls = []
    monkeypatch.setattr(
        "hallway.posts.actions.on_post_created", lambda post_id: calls.append(post_id)
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post = do_create_post(author=world.alice, body="see https://example.com/x")
    assert calls == []
    for callback in callbacks:
        callback()
    assert calls == [post.pk]
