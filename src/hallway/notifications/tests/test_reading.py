"""Read-time filtering through the permission layer, rendering, and the list's cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hallway.core.permissions import viewer_for
from hallway.groups.actions import do_leave_group, do_update_group
from hallway.notifications.access import (
    access_notification_by_id,
    notifications_visible_to,
    unread_count,
)
from hallway.notifications.actions import do_set_group_notifications
from hallway.notifications.models import Kind, Notification
from hallway.notifications.selectors import notification_page
from hallway.notifications.tests.conftest import mention, notes
from hallway.posts.actions import do_create_comment, do_create_post, do_delete_post, do_react


def visible(user):
    return list(notifications_visible_to(viewer_for(user)))


def test_leaving_the_group_hides_its_notifications(world, after_commit):
    with after_commit():
        do_create_post(author=world.ana, body=f"{mention(world.cleo)} secret", group=world.private)
    assert len(visible(world.cleo)) == 1
    assert unread_count(viewer_for(world.cleo)) == 1
    do_leave_group(actor=world.cleo, group=world.private)
    assert visible(world.cleo) == []
    assert unread_count(viewer_for(world.cleo)) == 0
    assert len(notes(world.cleo)) == 1  # still stored: it comes back if she rejoins


def test_deleted_post_hides_its_notifications(world, after_commit):
    with after_commit():
        post = do_create_post(author=world.ana, body=f"{mention(world.ben)} hi")
        do_create_comment(author=world.ben, post=post, body="ok")
    assert len(visible(world.ben)) == 1 and len(visible(world.ana)) == 1
    do_delete_post(actor=world.ana, post=post)
    assert visible(world.ben) == [] and visible(world.ana) == []


def test_deactivated_recipient_sees_nothing(world, after_commit):
    with after_commit():
        do_create_post(author=world.ana, body=f"{mention(world.ben)} hi")
    world.ben.is_active = False
    world.ben.save()
    assert visible(world.ben) == []


def test_someone_elses_notification_is_not_found(world, after_commit):
    from hallway.core.errors import NotFound

    with after_commit():
        do_create_post(author=world.ana, body=f"{mention(world.ben)} hi")
    [note] = notes(world.ben)
    with pytest.raises(NotFound):
        access_notification_by_id(viewer_for(world.cleo), note.pk)
    assert access_notification_by_id(viewer_for(world.ben), note.pk) == note


def test_text_is_rendered_at_read_time_without_confidential_excerpts(world, after_commit):
    do_set_group_notifications(user=world.ben, group=world.confidential, follow_closely=True)
    do_set_group_notifications(user=world.ben, group=world.public, follow_closely=True)
    with after_commit():
        do_create_post(author=world.ana, body="Merger numbers zebra", group=world.confidential)
        do_create_post(author=world.ana, body="Lunch menu giraffe", group=world.public)
    page = notification_page(viewer_for(world.ben))
    texts = {item.text: item.excerpt for item in page.results}
    assert texts == {
        "Ana Author posted in Open Forum": "Lunch menu giraffe",
        "Ana Author posted in Merger Room": "",
    }
    world.ana.name = "Ana Renamed"
    world.ana.save()
    assert notification_page(viewer_for(world.ben)).results[0].text.startswith("Ana Renamed")


def test_group_turned_secret_hides_notifications_of_outsiders(world, after_commit):
    with after_commit():
        do_create_post(
            author=world.ana, body="Please join", group=world.private
        )  # no notification; use a join request instead
    from hallway.groups.actions import do_request_to_join

    with after_commit():
        do_request_to_join(actor=world.dan, group=world.private)
    from hallway.groups.actions import do_decide_join_request

    with after_commit():
        do_decide_join_request(
            actor=world.ana, group=world.private, user=world.dan, approve=False, reason="No"
        )
    assert [n.kind for n in visible(world.dan)] == [Kind.JOIN_REQUEST_DECIDED]
    do_update_group(actor=world.ana, group=world.private, visibility="secret", join_policy="invite")
    assert visible(world.dan) == []


@pytest.mark.parametrize("count", [3, 30])
def test_list_query_count_is_constant(world, after_commit, django_assert_num_queries, count):
    posts = [do_create_post(author=world.ana, body=f"Post {n}") for n in range(count)]
    with after_commit():
        for post in posts:
            do_react(actor=world.ben, kind="like", post=post)
            do_create_comment(author=world.ben, post=post, body=f"{mention(world.ana)} ok")
    viewer = viewer_for(world.ana)
    _ = viewer.labels
    with django_assert_num_queries(1):
        page = notification_page(viewer, limit=50)
        [item.text for item in page.results]
    assert len(page.results) == min(50, 2 * count)


def test_unread_count_is_one_query_and_capped(world, after_commit):
    post = do_create_post(author=world.ana, body="Post")
    Notification.objects.bulk_create(
        [
            Notification(recipient=world.ana, kind=Kind.MENTION, actor=world.ben, post=post)
            for _ in range(120)
        ]
    )
    viewer = viewer_for(world.ana)
    _ = viewer.labels
    with CaptureQueriesContext(connection) as queries:
        assert unread_count(viewer) == 100
    assert len(queries) == 1
