"""The expertise finder: evidence, reasons, and only what the viewer could see."""

from __future__ import annotations

from django.test import Client

from hallway.core.permissions import viewer_for
from hallway.core.tests.factories import GroupFactory, GuestFactory, UserFactory, add_member
from hallway.posts.actions import do_accept_answer
from hallway.profiles.actions import do_update_profile, ensure_profile, topic_for_name
from hallway.search.experts import experts_on, resolve_topic


def test_ranking_and_reasons(place, publish, answer, django_assert_max_num_queries):
    sam, ann = UserFactory(name="Sam Skill"), UserFactory(name="Ann Answer")
    do_update_profile(actor=sam, profile=ensure_profile(sam), changes={"skills": ["Pricing"]})
    for n in range(2):
        question = publish(place.colleague, f"How to price {n}? #pricing", kind="question")
        reply = answer(ann, question, "Like this")
        do_accept_answer(actor=place.colleague, post=question, comment=reply)
    publish(ann, "Pricing notes #pricing")
    topic = resolve_topic(viewer_for(place.member), "#Pricing")
    assert topic is not None
    viewer = viewer_for(place.member)
    viewer.labels  # noqa: B018
    with django_assert_max_num_queries(10):
        experts = experts_on(viewer, topic)
    assert [e.person.name for e in experts][:2] == ["Ann Answer", "Sam Skill"]
    assert experts[0].reasons == [
        "2 accepted answers on #Pricing",
        "2 answers on #Pricing",
        "1 post on #Pricing",
    ]
    assert experts[1].reasons == ["skill: Pricing"]
    # The asker is not an expert for asking.
    assert place.colleague.pk not in {e.person.pk for e in experts}


def test_evidence_counts_only_where_the_viewer_can_see(place, publish, answer):
    insider = UserFactory(name="Ida Insider")
    add_member(place.bid, insider)
    for n in range(3):
        question = publish(
            place.owner, f"Secret question {n} #tenders", kind="question", group=place.bid
        )
        reply = answer(insider, question, "secret answer")
        do_accept_answer(actor=place.owner, post=question, comment=reply)
    topic = topic_for_name("tenders")
    assert [e.person.name for e in experts_on(viewer_for(place.member), topic)] == []
    ranked = experts_on(viewer_for(place.owner), topic)
    assert ranked[0].person == insider and ranked[0].accepted == 3


def test_guests_find_only_people_they_share_a_group_with(place, publish, answer):
    guest = GuestFactory(name="Gus Guest")
    partner = GroupFactory(
        visibility="private", join_policy="invite", is_external=True, companies=[guest.company]
    )
    add_member(partner, place.owner, role="owner")
    add_member(partner, guest)
    question = publish(place.owner, "Shipping lanes? #logistics", kind="question", group=partner)
    answer(place.owner, question, "Here")
    outsider = UserFactory(name="Una Unshared")
    do_update_profile(
        actor=outsider, profile=ensure_profile(outsider), changes={"skills": ["Logistics"]}
    )
    topic = topic_for_name("logistics")
    names = [e.person.name for e in experts_on(viewer_for(guest), topic)]
    assert names == ["Olga Owner"]
    assert "Una Unshared" in [e.person.name for e in experts_on(viewer_for(place.member), topic)]


def test_experts_page(place, publish, answer):
    question = publish(place.colleague, "Kubernetes upgrade? #kubernetes", kind="question")
    answer(place.owner, question, "Drain first")
    client = Client()
    client.force_login(place.member)
    html = client.get("/search/experts/", {"topic": "kubernetes"}).content.decode()
    assert "Olga Owner" in html and "1 answer on #kubernetes" in html
    assert "no topic called" in client.get("/search/experts/", {"topic": "nope"}).content.decode()
