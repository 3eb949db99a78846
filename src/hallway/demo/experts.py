"""Planted experts for the demo (issue 5): on each of a few topics, one person answers most
questions and gets most answers accepted, while others post about the topic, declare it as
a skill, or answer once. The expertise finder should put the planted expert near the top;
``planted_experts`` finds them again from the data alone (who answered most)."""

from __future__ import annotations

import random

from django.db.models import Count

from hallway.accounts.models import User
from hallway.posts.actions import do_accept_answer, do_create_comment, do_create_post
from hallway.posts.models import Comment, Post, PostTopic
from hallway.profiles.models import Topic

EXPERT_TOPICS = [
    "pricing",
    "kubernetes",
    "sap",
    "gdpr",
    "forecasting",
    "procurement",
    "onboarding-flow",
    "warehouse-automation",
    "data-quality",
    "customer-churn",
]
QUESTIONS_PER_TOPIC = 6


def plant_experts(*, rng: random.Random, members: list[User]) -> dict[str, int]:
    """Questions with answers on each topic; returns topic slug → the planted expert's id."""
    planted: dict[str, int] = {}
    if len(members) < 12:
        return planted
    for slug in EXPERT_TOPICS:
        expert, *others = rng.sample(members, 12)
        askers, dabblers = others[:5], others[5:]
        for n in range(QUESTIONS_PER_TOPIC):
            asker = rng.choice(askers)
            question = do_create_post(
                author=asker,
                title=f"Question {n + 1} about {slug.replace('-', ' ')}",
                body=f"Who can help with {slug.replace('-', ' ')}? Case {n + 1}. #{slug}",
                kind=Post.Kind.QUESTION,
            )
            best = do_create_comment(
                author=expert, post=question, body=f"Here is how we handle case {n + 1}."
            )
            if rng.random() < 0.3:  # someone else chimes in
                do_create_comment(author=rng.choice(dabblers), post=question, body="+1, same here.")
            if rng.random() < 0.8:
                do_accept_answer(actor=asker, post=question, comment=best)
        # Noise: people who post about the topic without answering questions on it.
        for person in rng.sample(dabblers, 3):
            do_create_post(author=person, body=f"Some thoughts on #{slug} today.")
        planted[slug] = expert.pk
    return planted


def planted_experts() -> dict[str, int]:
    """Topic slug → the person who answered most questions on it, from the data alone."""
    found: dict[str, int] = {}
    for topic in Topic.objects.filter(slug__in=EXPERT_TOPICS):
        questions = PostTopic.objects.filter(topic=topic).values("post_id")
        top = (
            Comment.objects.filter(post_id__in=questions, post__kind=Post.Kind.QUESTION)
            .values("author_id")
            .annotate(n=Count("pk"))
            .order_by("-n", "author_id")
            .first()
        )
        if top is not None:
            found[topic.slug] = top["author_id"]
    return found
