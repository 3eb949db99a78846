"""One test per kind: the real actions create exactly the expected notifications."""

from __future__ import annotations

from hallway.groups.actions import (
    do_decide_join_request,
    do_invite_to_group,
    do_request_to_join,
)
from hallway.notifications.models import Kind, Notification
from hallway.notifications.tests.conftest import mention, notes
from hallway.posts.actions import (
    do_accept_answer,
    do_create_comment,
    do_create_post,
    do_edit_post,
    do_react,
)
from hallway.profiles.actions import do_follow


def test_mention_in_a_post(world, after_commit):
    with after_commit():
        post = do_create_post(
            author=world.ana, body=f"Hi {mention(world.ben)}", group=world.private
        )
    [note] = notes(world.ben)
    assert (note.kind, note.post_id, note.actor_id) == (Kind.MENTION, post.pk, world.ana.pk)
    assert notes(world.ana) == []  # never the actor


def test_mentioning_oneself_notifies_nobody(world, after_commit):
    with after_commit():
        do_create_post(author=world.ana, body=f"Note to self {mention(world.ana)}")
    assert Notification.objects.count() == 0


def test_edit_notifies_only_newly_mentioned(world, after_commit):
    with after_commit():
        post = do_create_post(author=world.ana, body=f"Hi {mention(world.ben)}")
    with after_commit():
        do_edit_post(
            actor=world.ana, post=post, body=f"Hi {mention(world.ben)} and {mention(world.cleo)}"
        )
    assert len(notes(world.ben)) == 1
    assert [n.kind for n in notes(world.cleo)] == [Kind.MENTION]


def test_mention_of_someone_who_cannot_see_creates_nothing(world, after_commit):
    from hallway.notifications.delivery import on_post_published

    post = do_create_post(author=world.ana, body="Numbers", group=world.private)
    post.mentions.add(world.dan)  # as if the mention check had been skipped
    on_post_published(post_id=post.pk, actor_id=world.ana.pk)
    assert notes(world.dan) == []


def test_comment_on_my_post_is_a_reply(world, after_commit):
    post = do_create_post(author=world.ana, body="Thoughts?")
    with after_commit():
        comment = do_create_comment(author=world.ben, post=post, body="Yes")
    [note] = notes(world.ana)
    assert (note.kind, note.comment_id) == (Kind.REPLY, comment.pk)
    assert notes(world.ben) == []


def test_reply_to_my_comment(world, after_commit):
    post = do_create_post(author=world.ana, body="Thoughts?")
    first = do_create_comment(author=world.ben, post=post, body="Yes")
    with after_commit():
        do_create_comment(author=world.cleo, post=post, body="Agreed", parent=first)
    assert [n.kind for n in notes(world.ben)] == [Kind.REPLY]
    assert [n.kind for n in notes(world.ana)] == [Kind.REPLY]


def test_mention_wins_over_reply(world, after_commit):
    post = do_create_post(author=world.ana, body="Thoughts?")
    with after_commit():
        do_create_comment(author=world.ben, post=post, body=f"{mention(world.ana)} yes")
    assert [n.kind for n in notes(world.ana)] == [Kind.MENTION]


def test_answer_and_accepted_answer(world, after_commit):
    question = do_create_post(author=world.ana, body="How?", kind="question")
    with after_commit():
        answer = do_create_comment(author=world.ben, post=question, body="Like this")
    assert [n.kind for n in notes(world.ana)] == [Kind.ANSWER]
    with after_commit():
        do_accept_answer(actor=world.ana, post=question, comment=answer)
    assert [n.kind for n in notes(world.ben)] == [Kind.ACCEPTED_ANSWER]


def test_reactions_are_batched_per_post(world, after_commit):
    post = do_create_post(author=world.ana, body="Shipped!")
    people = [world.ben, world.cleo, world.dan, world.admin]
    for person in people:
        with after_commit():
            do_react(actor=person, kind="like", post=post)
    with after_commit():
        do_react(actor=world.ben, kind="celebrate", post=post)  # the same person again
    [note] = notes(world.ana)
    assert note.kind == Kind.REACTION
    assert note.actor_count == 4
    assert note.actor_id == world.admin.pk
    note.read_at = note.updated_at
    note.save()
    with after_commit():
        do_react(actor=world.cleo, kind="insightful", post=post)
    assert len(notes(world.ana)) == 2  # a new batch once the previous one was read


def test_reacting_to_ones_own_post_notifies_nobody(world, after_commit):
    post = do_create_post(author=world.ana, body="Mine")
    with after_commit():
        do_react(actor=world.ana, kind="like", post=post)
    assert Notification.objects.count() == 0


def test_reaction_to_a_comment(world, after_commit):
    post = do_create_post(author=world.ana, body="Post")
    comment = do_create_comment(author=world.ben, post=post, body="Comment")
    with after_commit():
        do_react(actor=world.cleo, kind="like", comment=comment)
    [note] = notes(world.ben, kind=Kind.REACTION)
    assert note.comment_id == comment.pk


def test_group_post_for_those_who_follow_closely(world, after_commit):
    from hallway.notifications.actions import do_set_group_notifications

    do_set_group_notifications(user=world.cleo, group=world.private, follow_closely=True)
    with after_commit():
        post = do_create_post(author=world.ana, body="News", group=world.private)
    assert [(n.kind, n.post_id) for n in notes(world.cleo)] == [(Kind.GROUP_POST, post.pk)]
    assert notes(world.ben) == []  # in the group, but not following closely


def test_praise(world, after_commit):
    with after_commit():
        do_create_post(author=world.ana, body=f"Thanks {mention(world.ben)}", kind="praise")
    assert [n.kind for n in notes(world.ben)] == [Kind.PRAISE]  # not also a mention


def test_new_follower(world, after_commit):
    with after_commit():
        do_follow(follower=world.ben, person=world.ana)
        do_follow(follower=world.ben, person=world.ana)  # idempotent: once
    [note] = notes(world.ana)
    assert (note.kind, note.person_id) == (Kind.NEW_FOLLOWER, world.ben.pk)


def test_group_invitation(world, after_commit):
    with after_commit():
        do_invite_to_group(actor=world.ana, group=world.confidential, user=world.dan)
    assert [n.kind for n in notes(world.dan)] == [Kind.GROUP_INVITATION]


def test_join_request_and_decision(world, after_commit):
    with after_commit():
        do_request_to_join(actor=world.dan, group=world.private, reason="Please")
    assert [n.kind for n in notes(world.ana)] == [Kind.JOIN_REQUEST]  # the owner
    assert notes(world.ben) == []  # a plain member
    with after_commit():
        do_decide_join_request(
            actor=world.ana, group=world.private, user=world.dan, approve=False, reason="No"
        )
    [note] = notes(world.dan)
    assert (note.kind, note.detail) == (Kind.JOIN_REQUEST_DECIDED, "declined")


def test_announcement_reaches_everyone_who_can_read_it(world, after_commit):
    with after_commit():
        do_create_post(author=world.ana, body="Big news", kind="announcement")
    members = {world.ben.pk, world.cleo.pk, world.dan.pk, world.admin.pk}
    got = set(
        Notification.objects.filter(kind=Kind.ANNOUNCEMENT).values_list("recipient_id", flat=True)
    )
    assert got == members  # not the author, not the guest (network posts are for members)


def test_rerunning_an_event_creates_nothing_twice(world, after_commit):
    from hallway.notifications.delivery import on_post_published

    with after_commit():
        post = do_create_post(
            author=world.ana, body=f"Hi {mention(world.ben)}", kind="announcement"
        )
    before = Notification.objects.count()
    on_post_published(post_id=post.pk, actor_id=world.ana.pk)
    assert Notification.objects.count() == before
