"""Groups, posts, comments and reactions for the demo network, through the real actions.

The amount is fixed (it does not grow with ``--people``), so a 100,000-person demo stays
fast; what is said and who says it depends only on the seed.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.demo.personas import PERSONAS
from hallway.groups.actions import do_add_member, do_create_group
from hallway.groups.models import Group
from hallway.posts.actions import do_accept_answer, do_create_comment, do_create_post, do_react
from hallway.posts.models import Post

UPDATES = [
    "Rolled out the new #deploys pipeline to two more services; build times are down by a third.",
    "Notes from the #architecture review: we keep the monolith and split the search indexer.",
    "Customer call recap: they want SSO before the pilot widens. #security",
    "Retro takeaways: smaller pull requests, earlier demos, fewer surprises. #agile",
    "The #postgresql upgrade is scheduled for Saturday night; expect five minutes of read-only.",
    "Onboarding doc refreshed: setup now takes an hour instead of a day. #onboarding",
    "Shared the Q3 #pricing analysis; margins hold if we bundle support.",
    "Field trip to the Rotterdam warehouse: their scanners still run on Windows CE. #logistics",
]
COMMENTS = [
    "Great work, thanks for writing it up.",
    "Could you share the dashboard link?",
    "We saw the same thing last quarter; happy to compare notes.",
    "Let's pick this up in Thursday's sync.",
    "This will help the support team a lot.",
]


def _people(emails: dict[str, str]) -> dict[str, User]:
    found = {user.email: user for user in User.objects.filter(email__in=emails.values())}
    return {role: found[email] for role, email in emails.items() if email in found}


def build_content(*, seed: int) -> dict[str, int]:
    """Create the demo's groups and conversations. Call after the people exist."""
    rng = random.Random(seed * 7919)
    persona = _people(PERSONAS)
    admin, manager, engineer = persona["admin"], persona["manager"], persona["engineer"]
    sales, new_hire, guest = persona["sales"], persona["new_hire"], persona["guest"]
    members = list(
        User.objects.filter(kind=User.Kind.MEMBER, is_active=True)
        .exclude(email__in=PERSONAS.values())
        .order_by("pk")[:2000]
    )
    acme = Company.objects.get(slug="acme")
    acme_guests = list(
        User.objects.filter(company=acme, is_active=True).exclude(pk=guest.pk).order_by("pk")
    )

    def group(owner: User, others: list[User], **settings: object) -> Group:
        created = do_create_group(actor=owner, **settings)  # type: ignore[arg-type]
        for person in others:
            if person.pk != owner.pk:
                do_add_member(actor=owner, group=created, user=person)
        return created

    guild_people = [manager, engineer, new_hire, *rng.sample(members, min(40, len(members)))]
    guild = group(
        manager,
        guild_people[1:],
        name="Engineering Guild",
        description="Craft, tools and practices across every engineering team. Ask anything.",
    )
    wins_people = [sales, manager, *rng.sample(members, min(25, len(members)))]
    wins = group(
        sales,
        wins_people[1:],
        name="Sales Wins",
        description="Deals closed, lessons learnt, and who helped.",
    )
    bid = group(
        sales,
        [manager, *rng.sample(members, min(6, len(members)))],
        name="Bid team Acme",
        description="The Acme Logistics renewal bid: pricing, risks and the plan.",
        visibility=Group.Visibility.PRIVATE,
        sensitivity=Group.Sensitivity.CONFIDENTIAL,
        hints=Group.Hints.COUNT,
    )
    falcon = group(
        manager,
        [engineer, *rng.sample(members, min(3, len(members)))],
        name="Project Falcon",
        description="The acquisition due diligence. Need to know only.",
        visibility=Group.Visibility.SECRET,
        sensitivity=Group.Sensitivity.RESTRICTED,
    )
    joint = group(
        sales,
        [engineer, guest, *acme_guests[:2]],
        name="Acme Logistics: joint delivery",
        description="Northwind and Acme Logistics plan the warehouse roll-out together.",
        visibility=Group.Visibility.PRIVATE,
        is_external=True,
        companies=[acme],
        sensitivity=Group.Sensitivity.INTERNAL,
    )
    counts = {"groups": 5, "posts": 0, "comments": 0, "reactions": 0}

    def post(author: User, body: str, **extra: object) -> Post:
        counts["posts"] += 1
        return do_create_post(author=author, body=body, **extra)  # type: ignore[arg-type]

    def discuss(target: Post, people: list[User]) -> None:
        for person in rng.sample(people, min(len(people), rng.randint(1, 3))):
            do_create_comment(author=person, post=target, body=rng.choice(COMMENTS))
            counts["comments"] += 1
        for person in rng.sample(people, min(len(people), rng.randint(2, 6))):
            do_react(
                actor=person, kind=rng.choice(["like", "celebrate", "insightful"]), post=target
            )
            counts["reactions"] += 1

    post(
        admin,
        "Welcome to Hallway! Fill in your profile so colleagues can find you, and join the "
        "groups of your teams. #onboarding",
        title="Hallway is live",
        kind=Post.Kind.ANNOUNCEMENT,
        pinned_until=timezone.now() + timedelta(days=7),
    )
    for body in rng.sample(UPDATES, 5):
        discuss(post(rng.choice(guild_people), body, group=guild), guild_people)
    question = post(
        new_hire,
        "Where do I request access to the staging cluster? The wiki page is gone. #onboarding",
        title="Access to staging?",
        kind=Post.Kind.QUESTION,
        group=guild,
    )
    answer = do_create_comment(
        author=engineer,
        post=question,
        body="Open a ticket in the Platform queue with your manager in CC; it takes a day.",
    )
    counts["comments"] += 1
    do_accept_answer(actor=new_hire, post=question, comment=answer)
    post(
        manager,
        "Which day suits the engineering offsite?",
        title="Offsite date",
        kind=Post.Kind.POLL,
        group=guild,
        poll_options=["Tuesday 12th", "Wednesday 13th", "Thursday 14th"],
    )
    discuss(
        post(
            sales,
            f"Huge thanks to @[{engineer.name}](user:{engineer.pk}) for the late-night demo "
            "fix that saved the Globex deal. #sales",
            title="Thank you!",
            kind=Post.Kind.PRAISE,
            praised_ids=[engineer.pk],
        ),
        [manager, *members[:10]],
    )
    discuss(post(sales, rng.choice(UPDATES), group=wins), wins_people)
    post(
        sales,
        "Acme's renewal is at risk: their CFO wants a 12% discount and a 3-year term. Our floor "
        "is 8%. #pricing",
        title="Renewal terms",
        group=bid,
    )
    post(manager, "Data room opens Monday. Do not discuss outside this group.", group=falcon)
    discuss(
        post(
            guest,
            "Our scanners at the Rotterdam site arrive on the 3rd; can your team be on site?",
            group=joint,
        ),
        [sales, engineer],
    )
    post(
        sales,
        "Account insight: Acme is consolidating warehouses in 2027; the champion is their COO.",
        company=acme,
    )
    from hallway.demo.experts import QUESTIONS_PER_TOPIC, plant_experts  # issue 5

    planted = plant_experts(rng=rng, members=members)
    counts["posts"] += len(planted) * (QUESTIONS_PER_TOPIC + 3)
    return counts
