"""The expertise finder: who knows about a topic? (issue 5, ADR 0009)

A person's score on a topic adds up evidence, each counted only where the viewer could see
it, in the SQL that counts it:

- a declared skill (the profile's skills; for guests only where the person shows skills to
  guests) — weight 3;
- posts on the topic (not questions: asking is not knowing) — weight 1 each;
- answers to questions on the topic — weight 2 each;
- accepted answers on the topic — weight 5 each (on top of being an answer);
- praise on the topic naming the person — weight 2 each.

Posts, answers and praise count only through ``posts_visible_to`` / ``comments_visible_to``
/ topic tags filtered by ``viewer.labels``; people only through ``people_visible_to`` (a
guest finds the people of their company and of the groups they share). Each result says why.
Queries: one per kind of evidence (five), then the people on the page (three).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.text import slugify

from hallway.accounts.models import User
from hallway.core.permissions import Viewer
from hallway.posts.access import comments_visible_to, posts_visible_to
from hallway.posts.models import Post, PostTopic
from hallway.profiles.access import (
    people_visible_to,
    profile_fields_visible_to,
    topics_visible_to,
)
from hallway.profiles.models import Profile, Topic
from hallway.profiles.selectors import with_profile_data

SKILL, POST, ANSWER, ACCEPTED, PRAISE = 3, 1, 2, 5, 2
DEFAULT_LIMIT = 10
MAX_LIMIT = 50


@dataclass
class Expert:
    person: User
    score: int
    title: str = ""
    skill: bool = False
    posts: int = 0
    answers: int = 0
    accepted: int = 0
    praise: int = 0
    reasons: list[str] = field(default_factory=list)


def visible_title(viewer: Viewer, person: User) -> str:
    """The person's job title, if this viewer may see that field."""
    profile = getattr(person, "profile", None)
    if profile is None or "title" not in profile_fields_visible_to(viewer, profile):
        return ""
    return str(profile.title or "")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def experts_on(viewer: Viewer, topic: Topic, *, limit: int = DEFAULT_LIMIT) -> list[Expert]:
    """The people who know most about ``topic`` by the evidence the viewer can see."""
    if viewer.user is None:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    people = people_visible_to(viewer)
    topic_posts = PostTopic.objects.filter(topic=topic, audience__in_labels=viewer.labels).values(
        "post_id"
    )
    readable = posts_visible_to(viewer).filter(pk__in=topic_posts)

    skilled = Profile.skills.through.objects.filter(topic=topic, profile__user__in=people)
    if not viewer.is_member:
        skilled = skilled.filter(
            profile__guest_visible_fields__icontains='"skills"'
        ) | Profile.skills.through.objects.filter(topic=topic, profile_id=viewer.user_id)
    skills = set(skilled.values_list("profile_id", flat=True))

    def counts(queryset: QuerySet, column: str) -> Counter[int]:
        return Counter(
            {
                row[column]: row["n"]
                for row in queryset.values(column).annotate(n=Count("pk")).order_by()
                if row[column] is not None
            }
        )

    posts = counts(readable.exclude(kind=Post.Kind.QUESTION).filter(author__in=people), "author_id")
    answers = counts(
        comments_visible_to(viewer).filter(
            post__in=readable.filter(kind=Post.Kind.QUESTION),
            parent__isnull=True,
            author__in=people,
        ),
        "author_id",
    )
    accepted = counts(
        readable.filter(
            kind=Post.Kind.QUESTION,
            accepted_answer__isnull=False,
            accepted_answer__deleted_at__isnull=True,
            accepted_answer__author__in=people,
        ),
        "accepted_answer__author_id",
    )
    praise = counts(readable.filter(kind=Post.Kind.PRAISE, praised__in=people), "praised")
    scores: Counter[int] = Counter()
    for pk in skills:
        scores[pk] += SKILL
    for counter, weight in (
        (posts, POST),
        (answers, ANSWER),
        (accepted, ACCEPTED),
        (praise, PRAISE),
    ):
        for pk, n in counter.items():
            scores[pk] += weight * n
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
    by_id = {
        person.pk: person
        for person in with_profile_data(people.filter(pk__in=[pk for pk, _ in ranked]))
    }
    tag = f"#{topic.name}"
    experts = []
    for pk, score in ranked:
        if pk not in by_id:
            continue
        expert = Expert(
            person=by_id[pk],
            score=score,
            skill=pk in skills,
            posts=posts[pk],
            answers=answers[pk],
            accepted=accepted[pk],
            praise=praise[pk],
            title=visible_title(viewer, by_id[pk]),
        )
        if expert.accepted:
            expert.reasons.append(f"{_plural(expert.accepted, 'accepted answer')} on {tag}")
        if expert.answers:
            expert.reasons.append(f"{_plural(expert.answers, 'answer')} on {tag}")
        if expert.skill:
            expert.reasons.append(f"skill: {topic.name}")
        if expert.posts:
            expert.reasons.append(f"{_plural(expert.posts, 'post')} on {tag}")
        if expert.praise:
            expert.reasons.append(f"praised {_plural(expert.praise, 'time')} on {tag}")
        experts.append(expert)
    return experts


def resolve_topic(viewer: Viewer, text: str) -> Topic | None:
    """The topic a person typed: by slug or by name, with or without ``#``."""
    text = text.strip().lstrip("#").strip()
    if not text:
        return None
    return (
        topics_visible_to(viewer)
        .filter(Q(slug=slugify(text)) | Q(name__iexact=text))
        .order_by("pk")
        .first()
    )
