"""Suggestions: people to follow, groups to join and topics to follow, each with why
(issue 5 part 6).

People come from the viewer's place (manager, reports, team), their interactions (comments
and reactions between them on posts the viewer can read), shared skills, and people of other
teams who post on the topics the viewer posts on. Groups are those people the viewer knows
belong to; topics are the viewer's skills and what people they know post about.

Every candidate passes through the permission layer before it is shown: people through
``people_visible_to`` (a guest never sees beyond their company and shared groups), groups
through ``groups_visible_to``, topics through ``topics_visible_to``, evidence from posts
and comments through ``posts_visible_to`` / ``comments_visible_to``. Followed people and
topics, groups one belongs to, and dismissed suggestions are left out. Query count: fixed
(at most eighteen), whatever the size of the network.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from hallway.core.errors import ActionError, NotFound
from hallway.core.permissions import Viewer
from hallway.groups.access import groups_visible_to
from hallway.groups.models import Membership
from hallway.posts.access import comments_visible_to, posts_visible_to
from hallway.posts.models import PostTopic, Reaction
from hallway.profiles.access import people_visible_to, topics_visible_to
from hallway.profiles.models import Follow, Profile
from hallway.search.models import Dismissal

LIMIT = 5
SCAN = 200  # rows read per signal, at most
WEIGHTS = {"manager": 5, "report": 4, "interaction": 3, "team": 2, "skill": 2, "topic": 1}


@dataclass
class Suggestion:
    kind: str  # person | group | topic
    target: Any
    reasons: list[str] = field(default_factory=list)
    score: int = 0


@dataclass
class Suggestions:
    people: list[Suggestion]
    groups: list[Suggestion]
    topics: list[Suggestion]

    @property
    def empty(self) -> bool:
        return not (self.people or self.groups or self.topics)


class _Reasons:
    def __init__(self) -> None:
        self.score: dict[int, int] = defaultdict(int)
        self.why: dict[int, list[str]] = defaultdict(list)

    def add(self, pk: int | None, signal: str, reason: str) -> None:
        if pk is None or reason in self.why[pk]:
            return
        self.score[pk] += WEIGHTS.get(signal, 1)
        self.why[pk].append(reason)


def suggestions_for(viewer: Viewer, *, limit: int = LIMIT) -> Suggestions:
    if viewer.user is None:
        return Suggestions(people=[], groups=[], topics=[])
    me = viewer.user
    dismissed: dict[str, set[int]] = defaultdict(set)
    for kind, object_id in Dismissal.objects.filter(user=me).values_list("kind", "object_id"):
        dismissed[kind].add(object_id)
    followed_people: set[int] = set()
    followed_topics: set[int] = set()
    for person_id, topic_id in Follow.objects.filter(follower=me).values_list(
        "person_id", "topic_id"
    ):
        if person_id is not None:
            followed_people.add(person_id)
        if topic_id is not None:
            followed_topics.add(topic_id)
    mine: dict[str, Any] = dict(
        Profile.objects.filter(user=me).values("team_id", "manager_id").first() or {}
    )
    my_skills = set(
        Profile.skills.through.objects.filter(profile_id=me.pk).values_list("topic_id", flat=True)
    )
    people = _people(viewer, mine, my_skills)
    skip = followed_people | dismissed["person"] | {me.pk}
    chosen_people = _visible_people(viewer, people, skip, limit)
    known = set(people.score) - {me.pk}
    return Suggestions(
        people=chosen_people,
        groups=_groups(viewer, known, dismissed["group"], limit),
        topics=_topics(viewer, known, my_skills, followed_topics | dismissed["topic"], limit),
    )


def _people(viewer: Viewer, mine: dict[str, Any], my_skills: set[int]) -> _Reasons:
    me = viewer.user
    assert me is not None
    reasons = _Reasons()
    reasons.add(mine.get("manager_id"), "manager", "Your manager")
    for pk in Profile.objects.filter(manager=me).values_list("user_id", flat=True)[:SCAN]:
        reasons.add(pk, "report", "Reports to you")
    if mine.get("team_id"):
        for pk in Profile.objects.filter(team_id=mine["team_id"]).values_list("user_id", flat=True)[
            :SCAN
        ]:
            reasons.add(pk, "team", "On your team")
    # Interactions, on content the viewer can read.
    interaction = "You comment on or react to each other's posts"
    for pk in (
        comments_visible_to(viewer)
        .filter(post__author=me)
        .values_list("author_id", flat=True)[:SCAN]
    ):
        reasons.add(pk, "interaction", interaction)
    for pk in (
        comments_visible_to(viewer)
        .filter(author=me)
        .values_list("post__author_id", flat=True)[:SCAN]
    ):
        reasons.add(pk, "interaction", interaction)
    readable = posts_visible_to(viewer)
    for reactor_id, author_id in Reaction.objects.filter(
        Q(post__author=me) | Q(user=me, post__in=readable), post__isnull=False
    ).values_list("user_id", "post__author_id")[:SCAN]:
        reasons.add(author_id if reactor_id == me.pk else reactor_id, "interaction", interaction)
    if my_skills and viewer.is_member:  # a guest may not see others' skills
        for pk, name in Profile.skills.through.objects.filter(topic_id__in=my_skills).values_list(
            "profile_id", "topic__name"
        )[:SCAN]:
            reasons.add(pk, "skill", f"Also knows {name}")
    # Other teams posting on the topics the viewer posts on.
    my_topics = PostTopic.objects.filter(
        post__author=me, post__deleted_at__isnull=True, audience__in=viewer.labels
    ).values("topic_id")
    others = readable.filter(topics__in=my_topics).exclude(author=me)
    if mine.get("team_id"):
        others = others.exclude(author__profile__team_id=mine["team_id"])
    rows = others.values_list("author_id", "topics__name").order_by("-id")[:SCAN]
    for pk, name in rows:
        reasons.add(pk, "topic", f"Posts about #{name} too")
    return reasons


def _visible_people(
    viewer: Viewer, reasons: _Reasons, skip: set[int], limit: int
) -> list[Suggestion]:
    ids = [pk for pk in reasons.score if pk not in skip]
    if not ids:
        return []
    found = {
        person.pk: person
        for person in people_visible_to(viewer).filter(pk__in=ids).select_related("profile")
    }
    ranked = sorted(found, key=lambda pk: (-reasons.score[pk], pk))[:limit]
    return [
        Suggestion(
            kind="person",
            target=found[pk],
            reasons=reasons.why[pk][:2],
            score=reasons.score[pk],
        )
        for pk in ranked
    ]


def _groups(viewer: Viewer, known: set[int], dismissed: set[int], limit: int) -> list[Suggestion]:
    me = viewer.user
    mine = Membership.objects.filter(user=me).values("group_id")
    candidates = (
        groups_visible_to(viewer)
        .filter(archived_at__isnull=True)
        .exclude(pk__in=mine)
        .exclude(pk__in=dismissed)
        .annotate(
            known=Count(
                "memberships",
                filter=Q(memberships__user_id__in=known, memberships__state="active"),
            ),
            members=Count("memberships", filter=Q(memberships__state="active")),
        )
        .filter(Q(known__gt=0) | Q(members__gt=0))
        .order_by("-known", "-members", "pk")[:limit]
    )
    result = []
    for group in candidates:
        count: int = group.known
        if count == 1:
            why = "1 person you know is a member"
        elif count:
            why = f"{count} people you know are members"
        else:
            members: int = group.members
            why = f"Active group ({members} member{'s' if members != 1 else ''})"
        result.append(Suggestion(kind="group", target=group, reasons=[why]))
    return result


def _topics(
    viewer: Viewer, known: set[int], my_skills: set[int], skip: set[int], limit: int
) -> list[Suggestion]:
    reasons = _Reasons()
    for pk in my_skills:
        reasons.add(pk, "skill", "One of your skills")
    if known:
        rows = (
            posts_visible_to(viewer)
            .filter(author_id__in=known, topics__isnull=False)
            .values_list("topics", flat=True)
            .order_by("-id")[:SCAN]
        )
        for pk in rows:
            reasons.add(pk, "topic", "People you know post about it")
    ids = [pk for pk in reasons.score if pk not in skip]
    if not ids:
        return []
    topics = {t.pk: t for t in topics_visible_to(viewer).filter(pk__in=ids)}
    ranked = sorted(topics, key=lambda pk: (-reasons.score[pk], pk))[:limit]
    return [
        Suggestion(kind="topic", target=topics[pk], reasons=reasons.why[pk][:1]) for pk in ranked
    ]


def do_dismiss_suggestion(*, viewer: Viewer, kind: str, object_id: int) -> None:
    """Never suggest this person, group or topic again. Only what the viewer may see can be
    dismissed (anything else is 404, like a missing one); dismissing twice is harmless."""
    if viewer.user is None:
        raise NotFound
    if kind not in Dismissal.Kind.values:
        raise ActionError("Choose person, group or topic.", field="kind")
    source: dict[str, Any] = {
        "person": people_visible_to(viewer),
        "group": groups_visible_to(viewer),
        "topic": topics_visible_to(viewer),
    }
    if not source[kind].filter(pk=object_id).exists():
        raise NotFound
    try:
        with transaction.atomic():
            Dismissal.objects.create(user=viewer.user, kind=kind, object_id=object_id)
    except IntegrityError:
        pass  # dismissed already
