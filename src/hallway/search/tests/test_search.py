"""Search: the index follows the actions, permissions hold in every part, hints obey their
rules, snippets are escaped, filters and ranking work, and lists cost a bounded number of
queries. Runs on SQLite and PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from hallway.core.audit import AuditEvent
from hallway.core.permissions import viewer_for
from hallway.core.tests.factories import GroupFactory, GuestFactory, UserFactory, add_member
from hallway.groups.actions import do_decide_join_request, do_request_to_join, do_update_group
from hallway.groups.models import Group
from hallway.posts.actions import do_accept_answer, do_delete_comment, do_delete_post, do_edit_post
from hallway.posts.models import Post
from hallway.search.models import SearchDocument
from hallway.search.selectors import SearchFilters, hints_for, search, suggest
from hallway.search.snippets import highlight
from hallway.search.sync import rebuild_index


def ids(page: Any, kind: str = "post") -> set[int]:
    return {r.id for r in page.results if r.type == kind}


def find(user: Any, q: str, **filters: Any) -> Any:
    return search(viewer_for(user), SearchFilters(q=q, **filters))


# --- the index follows the actions ------------------------------------------------------------
def test_new_edited_and_deleted_posts(place, publish, django_capture_on_commit_callbacks):
    post = publish(place.owner, "Quarterly forecast for Lisbon", group=place.public)
    assert ids(find(place.member, "lisbon")) == {post.pk}
    assert ids(find(place.member, "lisb")) == {post.pk}  # word prefix
    assert ids(find(place.member, "LISBÖN")) == {post.pk}  # case and accents folded
    with django_capture_on_commit_callbacks(execute=True):
        do_edit_post(actor=place.owner, post=post, body="Quarterly forecast for Porto")
    assert ids(find(place.member, "lisbon")) == set()
    assert ids(find(place.member, "porto")) == {post.pk}
    # A delete leaves the index in the same transaction: no task needed.
    do_delete_post(actor=place.owner, post=post)
    assert not SearchDocument.objects.filter(post_id=post.pk).exists()
    assert ids(find(place.member, "porto")) == set()


def test_comments_questions_and_files(place, publish, answer, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from hallway.posts.actions import do_upload_attachment

    question = publish(
        place.colleague, "How do we price the gizmo?", title="Gizmo pricing", kind="question"
    )
    reply = answer(place.owner, question, "Use the wholesale gizmo sheet")
    assert ids(find(place.member, "gizmo", type="questions"), "question") == {question.pk}
    assert ids(find(place.member, "wholesale"), "comment") == {reply.pk}
    assert ids(find(place.member, "gizmo", answered=False), "question") == {question.pk}
    with django_capture_on_commit_callbacks(execute=True):
        do_accept_answer(actor=place.colleague, post=question, comment=reply)
    assert ids(find(place.member, "gizmo", answered=True), "question") == {question.pk}
    assert ids(find(place.member, "gizmo", answered=False), "question") == set()
    upload = do_upload_attachment(
        uploader=place.owner,
        upload=SimpleUploadedFile("rollout_plan-2027.txt", b"hello\n", content_type="text/plain"),
    )
    publish(place.owner, "See attached", attachment_ids=[upload.pk])
    assert ids(find(place.member, "rollout", type="files"), "file") == {upload.pk}
    do_delete_comment(actor=place.owner, comment=reply)
    assert ids(find(place.member, "wholesale"), "comment") == set()


def test_relabel_follows_a_group_that_turns_private(place, publish):
    post = publish(place.owner, "Roadmap for the harbour project", group=place.public)
    assert ids(find(place.member, "harbour")) == {post.pk}
    do_update_group(
        actor=place.owner,
        group=place.public,
        visibility="private",
        join_policy="request",
        reason="confidential now",
    )
    assert SearchDocument.objects.get(object_id=post.pk).audience == f"group:{place.public.pk}"
    assert ids(find(place.member, "harbour")) == set()
    assert ids(find(place.colleague, "harbour")) == {post.pk}  # still a member


def test_reindex_rebuilds_everything(place, publish):
    post = publish(place.owner, "Turbine maintenance schedule", group=place.bid)
    SearchDocument.objects.all().delete()
    assert ids(find(place.owner, "turbine")) == set()
    call_command("reindex", batch=100, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ids(find(place.owner, "turbine")) == {post.pk}
    assert rebuild_index() == SearchDocument.objects.count()


# --- permissions --------------------------------------------------------------------------------
def test_private_secret_and_guest_content_is_never_found(place, publish):
    guest = GuestFactory(name="Gus Guest")
    partner = GroupFactory(
        name="Partner room",
        visibility="private",
        join_policy="invite",
        is_external=True,
        companies=[guest.company],
    )
    add_member(partner, place.owner, role="owner")
    add_member(partner, guest)
    private = publish(place.owner, "zebracanary in the bid", group=place.bid)
    secret = publish(place.owner, "zebracanary in the lab", group=place.secret)
    network = publish(place.owner, "zebracanary for everyone")
    shared = publish(place.owner, "zebracanary with partners", group=partner)
    assert ids(find(place.owner, "zebracanary")) == {private.pk, secret.pk, network.pk, shared.pk}
    assert ids(find(place.member, "zebracanary")) == {network.pk}
    assert ids(find(guest, "zebracanary")) == {shared.pk}
    admin = UserFactory(is_network_admin=True)
    assert ids(find(admin, "zebracanary")) == {network.pk}
    gone = UserFactory()
    gone.is_active = False
    gone.save()
    assert find(gone, "zebracanary").results == []


def test_groups_topics_companies_and_people_through_their_permission_layer(place, publish):
    guest = GuestFactory(name="Gus Guest")
    publish(place.owner, "About #Skunkworks things")
    assert {r.title for r in find(place.member, "skunkworks").results if r.type == "group"} == set()
    assert "#Skunkworks" in {r.title for r in find(place.member, "skunk").results}
    assert {r.title for r in find(place.member, "bid", type="groups").results} == {"Bid team Acme"}
    assert find(guest, "bid", type="groups").results == []
    assert find(guest, "olga", type="people").results == []
    assert [r.title for r in find(place.member, "olga", type="people").results] == ["Olga Owner"]


# --- hints --------------------------------------------------------------------------------------
def test_count_hint_needs_three_matches_and_is_audited(place, publish):
    for n in range(2):
        publish(place.owner, f"Acme tender draft {n}", group=place.bid)
    assert find(place.member, "tender").hints == []
    publish(place.owner, "Acme tender final", group=place.bid)
    page = find(place.member, "tender")
    assert [(h.group.pk, h.count, h.titles) for h in page.hints] == [(place.bid.pk, 3, [])]
    assert [o.name for o in page.hints[0].owners] == ["Olga Owner"]
    assert page.results == []  # the posts themselves stay unreadable
    event = AuditEvent.objects.get(action="search.hint")
    assert event.actor == place.member and event.target_id == str(place.bid.pk)
    assert event.data["count"] == 3
    # Members read the posts and get no hint about their own group.
    assert find(place.owner, "tender").hints == []


def test_titles_hint_shows_titles_never_bodies_or_comments(place, publish, answer):
    for n in range(3):
        post = publish(
            place.owner,
            f"secretbody{n} discount ladder",
            title=f"Discount ladder {n}",
            group=place.titled,
        )
        answer(place.owner, post, "secretcomment discount ladder")
    page = find(place.member, "discount")
    assert len(page.hints) == 1
    hint = page.hints[0]
    assert hint.count == 3  # comments are not counted
    assert sorted(hint.titles) == ["Discount ladder 0", "Discount ladder 1", "Discount ladder 2"]
    client = Client()
    client.force_login(place.member)
    html = client.get("/search/", {"q": "discount"}).content.decode()
    assert "Discount ladder 0" in html and "Request access" in html
    assert "secretbody" not in html and "secretcomment" not in html


def test_no_hints_when_off_secret_archived_for_guests_or_filtered(place, publish):
    for n in range(3):
        for group in (place.quiet, place.secret):
            publish(place.owner, f"glacier survey {n}", group=group)
    assert find(place.member, "glacier").hints == []
    for n in range(3):
        publish(place.owner, f"glacier survey {n}", group=place.bid)
    assert len(find(place.member, "glacier").hints) == 1
    assert find(place.member, "glacier", author_id=place.owner.pk).hints == []
    guest = GuestFactory()
    assert find(guest, "glacier").hints == []
    place.bid.archived_at = timezone.now()
    place.bid.save()
    assert find(place.member, "glacier").hints == []


@override_settings(HALLWAY_SEARCH_HINTS_PER_MINUTE=2)
def test_hint_queries_are_rate_limited_per_person(place, publish):
    for n in range(3):
        publish(place.owner, f"meteor plan {n}", group=place.bid)
    viewer = viewer_for(place.member)
    assert len(hints_for(viewer, ["meteor"], query_text="meteor")[0]) == 1
    assert len(hints_for(viewer, ["meteor"], query_text="meteor")[0]) == 1
    assert hints_for(viewer, ["meteor"], query_text="meteor") == ([], True)
    other = viewer_for(place.colleague)
    assert len(hints_for(other, ["meteor"], query_text="meteor")[0]) == 1


def test_request_access_then_read(place, publish, django_capture_on_commit_callbacks):
    posts = [publish(place.owner, f"orchard budget {n}", group=place.bid) for n in range(3)]
    assert find(place.member, "orchard").hints
    with django_capture_on_commit_callbacks(execute=True):
        do_request_to_join(actor=place.member, group=place.bid, reason="I work on Acme")
        do_decide_join_request(actor=place.owner, group=place.bid, user=place.member, approve=True)
    page = find(place.member, "orchard")
    assert ids(page) == {p.pk for p in posts}
    assert page.hints == []


# --- snippets, filters, ranking, suggestions ------------------------------------------------------
def test_snippets_are_escaped_and_marked(place, publish):
    publish(place.owner, "<script>alert(1)</script> the Kärcher <b>plan</b> for Q3")
    result = find(place.member, "karcher").results[0]
    assert "<script>" not in result.snippet
    assert "&lt;script&gt;" in result.snippet
    assert "<mark>Kärcher</mark>" in result.snippet
    assert str(highlight("a & b plan", ["plan"])) == "a &amp; b <mark>plan</mark>"


def test_filters(place, publish):
    old = publish(place.owner, "bicycle fleet report", group=place.public, topics=["Fleet"])
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    SearchDocument.objects.filter(object_id=old.pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    new = publish(place.colleague, "bicycle fleet update")
    today = timezone.now().date()
    assert ids(find(place.member, "bicycle", group_id=place.public.pk)) == {old.pk}
    assert ids(find(place.member, "bicycle", author_id=place.colleague.pk)) == {new.pk}
    from hallway.profiles.models import Topic

    fleet = Topic.objects.get(slug="fleet")
    assert ids(find(place.member, "bicycle", topic_id=fleet.pk)) == {old.pk}
    assert ids(find(place.member, "bicycle", created_from=today - timedelta(days=1))) == {new.pk}
    assert ids(find(place.member, "bicycle", created_to=today - timedelta(days=30))) == {old.pk}


def test_ranking_weighs_text_recency_and_engagement(place, publish, answer):
    title_match = publish(place.owner, "unrelated words", title="Kestrel migration")
    body_only = publish(place.owner, "a note that mentions kestrel once among many other words")
    assert [r.id for r in find(place.member, "kestrel").results][:2] == [
        title_match.pk,
        body_only.pk,
    ]
    old = publish(place.owner, "osprey count")
    new = publish(place.owner, "osprey count")
    SearchDocument.objects.filter(object_id=old.pk).update(
        created_at=timezone.now() - timedelta(days=365)
    )
    assert [r.id for r in find(place.member, "osprey").results] == [new.pk, old.pk]
    for n in range(5):
        answer(place.colleague, old, f"reply {n}")
    SearchDocument.objects.filter(object_id=old.pk).update(created_at=timezone.now())
    assert next(r.id for r in find(place.member, "osprey").results) == old.pk


def test_pagination_and_bad_cursor(place, publish):
    from hallway.core.cursors import BadCursor

    made = {publish(place.owner, f"heron sighting {n}").pk for n in range(5)}
    first = search(viewer_for(place.member), SearchFilters(q="heron"), limit=3)
    assert first.next_cursor
    second = search(viewer_for(place.member), SearchFilters(q="heron"), cursor=first.next_cursor)
    assert ids(first) | ids(second) == made and not ids(first) & ids(second)
    with pytest.raises(BadCursor):
        search(viewer_for(place.member), SearchFilters(q="heron"), cursor="nonsense")


def test_suggestions(place, publish):
    publish(place.owner, "body", title="Onboarding checklist", kind="question")
    publish(place.owner, "secret title", title="Onboarding secrets", group=place.secret)
    found = suggest(viewer_for(place.member), "onb")
    assert [r.title for r in found.questions] == ["Onboarding checklist"]
    assert [r.title for r in suggest(viewer_for(place.member), "olg").people] == ["Olga Owner"]
    assert [r.title for r in suggest(viewer_for(place.member), "bid").groups] == ["Bid team Acme"]
    assert suggest(viewer_for(place.member), "skunk").groups == []
    assert suggest(viewer_for(place.member), "o").all == []


# --- query counts -------------------------------------------------------------------------------
def test_query_count_is_bounded(place, publish, answer, django_assert_max_num_queries):
    for n in range(30):
        post = publish(place.owner, f"lantern item {n}", group=place.public if n % 2 else None)
        answer(place.colleague, post, "lantern answer")
    for n in range(3):
        publish(place.owner, f"lantern secret {n}", group=place.bid)
    viewer = viewer_for(place.member)
    viewer.labels  # noqa: B018 (computed once per request)
    with django_assert_max_num_queries(14):
        page = search(viewer, SearchFilters(q="lantern"))
    assert len([r for r in page.results if r.type in {"post", "comment"}]) == 20
    assert page.hints
    with django_assert_max_num_queries(8):
        suggest(viewer, "lantern")


def test_search_page_and_suggest_partial(place, publish):
    publish(place.owner, "walrus census", title="Walrus census")
    client = Client()
    client.force_login(place.member)
    page = client.get("/search/", {"q": "walrus"})
    assert page.status_code == 200 and b"<mark>walrus</mark>" in page.content
    partial = client.get("/search/", {"q": "walrus"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in partial.content and b"search-results" in partial.content
    assert client.get("/search/", {"q": "walrus", "cursor": "bad"}).status_code == 400
    assert client.get("/search/", {"q": "walrus", "group": "99999"}).status_code == 400
    assert b"<mark>Walrus</mark> census" in client.get("/search/suggest/", {"q": "walr"}).content
    assert b'action="/search/"' in client.get("/").content


def test_group_hints_setting_is_respected_after_change(place, publish):
    for n in range(3):
        publish(place.owner, f"pelican route {n}", group=place.bid)
    assert find(place.member, "pelican").hints
    Group.objects.filter(pk=place.bid.pk).update(hints=Group.Hints.OFF)
    assert find(place.member, "pelican").hints == []
