"""Feeds include exactly what they should: sources, mutes, pinned announcements, deleted
posts, access removal, guests; pages neither overlap nor skip; query counts are constant."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from hallway.core.permissions import viewer_for
from hallway.core.tests.factories import (
    CompanyFactory,
    GroupFactory,
    GuestFactory,
    PostFactory,
    TopicFactory,
    UserFactory,
    add_member,
)
from hallway.feed import selectors
from hallway.feed.actions import do_mute, do_unmute
from hallway.feed.fanout import on_post_created
from hallway.feed.selectors import (
    company_feed,
    group_feed,
    home_feed,
    network_feed,
    new_posts_count,
    profile_feed,
    topic_feed,
)
from hallway.posts.models import Post, PostTopic
from hallway.profiles.actions import do_follow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    cache.clear()


def tag(post: Post, topic) -> None:  # type: ignore[no-untyped-def]
    PostTopic.objects.create(post=post, topic=topic, audience=post.audience)


def ids(page: selectors.FeedPage) -> list[int]:
    return [post.pk for post in page.results]


def all_pages(fetch, limit: int) -> list[int]:  # type: ignore[no-untyped-def]
    seen: list[int] = []
    cursor = None
    for _ in range(200):
        page = fetch(cursor=cursor, limit=limit)
        seen.extend(ids(page))
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError("too many pages")


@pytest.fixture
def world():  # type: ignore[no-untyped-def]
    me = UserFactory()
    friend, stranger, loud = UserFactory(), UserFactory(), UserFactory()
    joined = GroupFactory()
    other = GroupFactory()  # public, not joined
    secret = GroupFactory(visibility="secret", join_policy="invite")
    add_member(joined, me)
    add_member(secret, friend)
    topic, other_topic = TopicFactory(), TopicFactory()
    customer = CompanyFactory()
    do_follow(follower=me, person=friend)
    do_follow(follower=me, person=loud)
    do_follow(follower=me, topic=topic)
    do_follow(follower=me, company=customer)
    posts = {
        "own": PostFactory(author=me),
        "friend_network": PostFactory(author=friend),
        "friend_secret": PostFactory(author=friend, group=secret),
        "friend_other_group": PostFactory(author=friend, group=other),
        "stranger_network": PostFactory(author=stranger),
        "stranger_joined": PostFactory(author=stranger, group=joined),
        "stranger_other": PostFactory(author=stranger, group=other),
        "stranger_topic": PostFactory(author=stranger),
        "stranger_other_topic": PostFactory(author=stranger),
        "company": PostFactory(author=stranger, company=customer),
        "announcement": PostFactory(author=stranger, kind="announcement"),
        "loud": PostFactory(author=loud),
    }
    tag(posts["stranger_topic"], topic)
    tag(posts["stranger_other_topic"], other_topic)
    return {
        "me": me,
        "friend": friend,
        "stranger": stranger,
        "loud": loud,
        "joined": joined,
        "other": other,
        "secret": secret,
        "topic": topic,
        "customer": customer,
        "posts": posts,
    }


EXPECTED_HOME = {
    "own",
    "friend_network",
    "friend_other_group",
    "stranger_joined",
    "stranger_topic",
    "company",
    "announcement",
    "loud",
}


def names(world, page_ids: list[int]) -> set[str]:  # type: ignore[no-untyped-def]
    by_id = {post.pk: name for name, post in world["posts"].items()}
    return {by_id[pk] for pk in page_ids}


@pytest.mark.parametrize("window", [2000, 1])
def test_home_feed_has_every_source_and_nothing_else(world, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Both plans (recent window, per-source floor) give the same, right answer."""
    monkeypatch.setattr(selectors, "WINDOW", window)
    viewer = viewer_for(world["me"])
    page = home_feed(viewer, limit=50)
    assert names(world, ids(page)) == EXPECTED_HOME
    assert ids(page) == sorted(ids(page), reverse=True)
    assert page.next_cursor is None


@pytest.mark.parametrize("window", [2000, 3, 1])
@pytest.mark.parametrize("limit", [1, 2, 3, 7])
def test_home_pages_neither_overlap_nor_skip(world, window, limit, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(selectors, "WINDOW", window)
    viewer = viewer_for(world["me"])
    seen = all_pages(lambda **kw: home_feed(viewer, **kw), limit)
    assert len(seen) == len(set(seen))
    assert names(world, seen) == EXPECTED_HOME
    assert seen == sorted(seen, reverse=True)


def test_mutes_hide_people_groups_and_topics_until_unmuted(world) -> None:  # type: ignore[no-untyped-def]
    me = world["me"]
    do_mute(user=me, person=world["loud"])
    do_mute(user=me, group=world["joined"])
    do_mute(user=me, topic=world["topic"])
    got = names(world, ids(home_feed(viewer_for(me), limit=50)))
    assert got == EXPECTED_HOME - {"loud", "stranger_joined", "stranger_topic"}
    do_unmute(user=me, person=world["loud"])
    do_unmute(user=me, group=world["joined"])
    do_unmute(user=me, topic=world["topic"])
    assert names(world, ids(home_feed(viewer_for(me), limit=50))) == EXPECTED_HOME


def test_a_muted_person_is_hidden_even_in_a_joined_group(world) -> None:  # type: ignore[no-untyped-def]
    me = world["me"]
    do_mute(user=me, person=world["stranger"])
    got = names(world, ids(home_feed(viewer_for(me), limit=50)))
    assert "stranger_joined" not in got and "company" not in got
    assert "announcement" not in got  # an unpinned announcement by a muted person


def test_pinned_announcements_come_first_once(world) -> None:  # type: ignore[no-untyped-def]
    announcement = world["posts"]["announcement"]
    announcement.pinned_until = timezone.now() + timedelta(days=1)
    announcement.save()
    later = PostFactory(author=world["me"])
    viewer = viewer_for(world["me"])
    page = home_feed(viewer, limit=3)
    assert ids(page)[0] == announcement.pk
    assert ids(page)[1] == later.pk
    assert page.pinned_ids == {announcement.pk}
    seen = all_pages(lambda **kw: home_feed(viewer, **kw), 3)
    assert seen.count(announcement.pk) == 1
    announcement.pinned_until = timezone.now() - timedelta(seconds=1)
    announcement.save()
    assert ids(home_feed(viewer, limit=50))[0] == later.pk


def test_deleted_posts_and_removed_access_disappear_on_the_next_request(world) -> None:  # type: ignore[no-untyped-def]
    me, posts = world["me"], world["posts"]
    post = posts["stranger_joined"]
    assert post.pk in ids(home_feed(viewer_for(me), limit=50))
    world["joined"].visibility = "private"
    world["joined"].save()
    world["joined"].memberships.filter(user=me).delete()  # left the group
    assert post.pk not in ids(home_feed(viewer_for(me), limit=50))
    friend_post = posts["friend_network"]
    friend_post.deleted_at = timezone.now()
    friend_post.save()
    assert friend_post.pk not in ids(home_feed(viewer_for(me), limit=50))
    me.is_active = False
    me.save()
    assert ids(home_feed(viewer_for(me), limit=50)) == []


def test_guests_never_see_network_or_company_posts() -> None:
    guest = GuestFactory()
    member = UserFactory()
    external = GroupFactory(
        visibility="private", join_policy="invite", is_external=True, companies=[guest.company]
    )
    add_member(external, guest)
    do_follow(follower=guest, person=member)
    network_post = PostFactory(author=member)
    PostFactory(author=member, kind="announcement")
    company_post = PostFactory(author=member, company=guest.company)
    shared = PostFactory(author=member, group=external)
    viewer = viewer_for(guest)
    assert ids(home_feed(viewer, limit=50)) == [shared.pk]
    assert ids(network_feed(viewer)) == []
    assert ids(company_feed(viewer, guest.company)) == []
    assert ids(profile_feed(viewer, member)) == [shared.pk]
    assert network_post.pk and company_post.pk


def test_new_person_sees_announcements_and_own_posts() -> None:
    me = UserFactory()
    announcement = PostFactory(kind="announcement")
    PostFactory()  # someone else's network post
    assert ids(home_feed(viewer_for(me))) == [announcement.pk]


def test_top_ordering_ranks_engagement_within_the_candidate_window(world) -> None:  # type: ignore[no-untyped-def]
    posts = world["posts"]
    Post.objects.filter(pk=posts["own"].pk).update(reaction_count=50, comment_count=10)
    Post.objects.filter(pk=posts["loud"].pk).update(reaction_count=5)
    old = PostFactory(author=world["friend"])
    Post.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=30), reaction_count=1000
    )
    viewer = viewer_for(world["me"])
    page = home_feed(viewer, ordering="top", limit=2)
    assert ids(page) == [posts["own"].pk, posts["loud"].pk]
    seen = all_pages(lambda **kw: home_feed(viewer, ordering="top", **kw), 3)
    assert len(seen) == len(set(seen))
    assert names(world, seen) == EXPECTED_HOME  # the 30-day-old post is not a candidate


def test_new_posts_count_counts_others_posts_and_caps(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    me = world["me"]
    viewer = viewer_for(me)
    newest = ids(home_feed(viewer, limit=1))[0]
    assert new_posts_count(viewer, since_post_id=newest) == 0
    PostFactory(author=me)  # my own post is not "new" to me
    PostFactory(author=world["stranger"])  # not a source
    assert new_posts_count(viewer_for(me), since_post_id=newest) == 0
    PostFactory(author=world["friend"])
    PostFactory(author=world["stranger"], group=world["joined"])
    assert new_posts_count(viewer_for(me), since_post_id=newest) == 2
    monkeypatch.setattr(selectors, "NEW_POSTS_CAP", 1)
    assert new_posts_count(viewer_for(me), since_post_id=newest) == 1


def test_on_post_created_lets_an_idle_poll_skip_sql(world, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    viewer = viewer_for(world["me"])
    newest = Post.objects.order_by("-id").first()
    assert newest is not None
    on_post_created(newest.pk)
    on_post_created(newest.pk - 1)  # an older id never lowers it
    with django_assert_num_queries(0):
        assert new_posts_count(viewer, since_post_id=newest.pk) == 0
    post = PostFactory(author=world["friend"])
    on_post_created(post.pk)
    assert new_posts_count(viewer_for(world["me"]), since_post_id=newest.pk) == 1


def test_group_feed_pins_first_and_is_empty_for_outsiders(world) -> None:  # type: ignore[no-untyped-def]
    secret, friend, me = world["secret"], world["friend"], world["me"]
    first = PostFactory(author=friend, group=secret)
    pinned = PostFactory(author=friend, group=secret, pinned_until=timezone.now() + timedelta(1))
    last = PostFactory(author=friend, group=secret)
    page = group_feed(viewer_for(friend), secret, limit=2)
    assert ids(page) == [pinned.pk, last.pk, first.pk]
    rest = group_feed(viewer_for(friend), secret, cursor=page.next_cursor, limit=2)
    assert ids(rest) == [world["posts"]["friend_secret"].pk]
    assert rest.next_cursor is None
    assert ids(group_feed(viewer_for(me), secret)) == []


def test_profile_topic_company_and_network_feeds(world) -> None:  # type: ignore[no-untyped-def]
    me, posts = world["me"], world["posts"]
    viewer = viewer_for(me)
    friend_ids = set(ids(profile_feed(viewer, world["friend"])))
    assert friend_ids == {posts["friend_network"].pk, posts["friend_other_group"].pk}
    assert ids(topic_feed(viewer, world["topic"])) == [posts["stranger_topic"].pk]
    assert ids(company_feed(viewer, world["customer"])) == [posts["company"].pk]
    network = set(ids(network_feed(viewer)))
    assert posts["friend_network"].pk in network
    assert posts["stranger_joined"].pk not in network
    assert posts["company"].pk not in network


def test_topic_feed_hides_posts_of_groups_one_cannot_read(world) -> None:  # type: ignore[no-untyped-def]
    hidden = PostFactory(author=world["friend"], group=world["secret"])
    tag(hidden, world["topic"])
    assert hidden.pk not in ids(topic_feed(viewer_for(world["me"]), world["topic"]))
    assert hidden.pk in ids(topic_feed(viewer_for(world["friend"]), world["topic"]))


@pytest.mark.parametrize("window", [2000, 1])
def test_home_query_count_does_not_depend_on_page_size(world, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(selectors, "WINDOW", window)
    for n in range(30):
        PostFactory(author=world["friend"], group=world["joined"] if n % 2 else None)
    counts = []
    for limit in (5, 50):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        viewer = viewer_for(world["me"])
        viewer.labels  # noqa: B018 (labels are per request, counted separately)
        with CaptureQueriesContext(connection) as captured:
            page = home_feed(viewer, limit=limit)
        assert len(page.results) == min(limit, 30 + len(EXPECTED_HOME))
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert counts[0] <= 14  # sources 3, pinned, window 2, floor, union, hydration 5-6


@pytest.mark.parametrize(
    "feed",
    ["group", "profile", "topic", "company", "network"],
)
def test_single_source_query_counts_do_not_depend_on_page_size(world, feed) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(12):
        post = PostFactory(author=world["friend"], group=world["joined"])
        tag(post, world["topic"])
        PostFactory(author=world["friend"], company=world["customer"])
        PostFactory(author=world["friend"])
    counts = []
    for limit in (5, 50):
        viewer = viewer_for(world["me"])
        viewer.labels  # noqa: B018
        with CaptureQueriesContext(connection) as captured:
            if feed == "group":
                page = group_feed(viewer, world["joined"], limit=limit)
            elif feed == "profile":
                page = profile_feed(viewer, world["friend"], limit=limit)
            elif feed == "topic":
                page = topic_feed(viewer, world["topic"], limit=limit)
            elif feed == "company":
                page = company_feed(viewer, world["customer"], limit=limit)
            else:
                page = network_feed(viewer, limit=limit)
        assert len(page.results) >= 5
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_forged_cursors_are_refused(world) -> None:  # type: ignore[no-untyped-def]
    from hallway.core.cursors import BadCursor

    viewer = viewer_for(world["me"])
    for cursor in ["x", "WyJuIiwtMV0", selectors._encode(["n", "1"]), selectors._encode(["t", 1])]:
        with pytest.raises(BadCursor):
            home_feed(viewer, cursor=cursor)
        with pytest.raises(BadCursor):
            home_feed(viewer, cursor=cursor, ordering="top")


@pytest.mark.parametrize("public_groups", [2, 80])
def test_in_labels_reads_exactly_audience_in_labels(public_groups: int) -> None:
    """The one-parameter label filter of ``posts_visible_to`` (short list and json_each/ANY
    forms) reads exactly what a plain ``audience IN labels`` reads, for every kind of viewer."""
    from hallway.posts.access import posts_visible_to

    guest = GuestFactory()
    member, outsider = UserFactory(), UserFactory()
    gone = UserFactory(is_active=False)
    groups = [GroupFactory() for _ in range(public_groups)]
    secret = GroupFactory(visibility="secret", join_policy="invite")
    external = GroupFactory(
        visibility="private", join_policy="invite", is_external=True, companies=[guest.company]
    )
    add_member(secret, member)
    add_member(external, guest)
    for group in [*groups, secret, external]:
        PostFactory(group=group)
    PostFactory()
    PostFactory(company=CompanyFactory())
    PostFactory(deleted_at=timezone.now())
    for user in (guest, member, outsider, gone):
        viewer = viewer_for(user)
        expected = set(
            Post.objects.filter(
                audience__in=list(viewer.labels), deleted_at__isnull=True
            ).values_list("pk", flat=True)
        )
        assert set(posts_visible_to(viewer).values_list("pk", flat=True)) == expected
