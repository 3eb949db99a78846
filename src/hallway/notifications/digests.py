"""Email digests (issue 4, ADR 0007): what a person has not seen, daily or weekly.

- **When.** A daily digest is due every day from ``HALLWAY_DIGEST_HOUR`` (08:00 server
  time) until midnight; a weekly one on Mondays in the same hours. The hourly task
  ``schedule_digests`` queues, per period, the people whose digest is due and not yet queued
  or sent, in batches; a batch whose task was lost is queued again after an hour.
- **Once.** Each person's digest is sent under the effect key ``digest:<period>:<user id>``
  (``hallway.core.tasks.effect_once``): however often the scheduler or a batch runs, or a
  worker is killed, a person gets at most one digest per period.
- **What.** Built at send time, through the permission layer, for the content since the
  last digest (at most two periods back): the top posts of the person's home-feed sources
  (``feed.selectors.merged_home_ids``, ranked by ``engagement_score``), leaving out their
  own and those they reacted to or commented on; unanswered questions on their skills and
  followed topics; people who joined their team; their ``digest`` notifications not yet in
  a digest. A post the person can no longer read is not there. Content of ``confidential``
  and ``restricted`` groups is a bare link: no title, no excerpt, no author, no group name.
- An empty digest is not sent (the period still counts as served).
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from hallway.accounts.models import User
from hallway.core.models import TaskEffect
from hallway.core.permissions import Viewer, viewer_for
from hallway.core.tasks import effect_once, enqueue
from hallway.feed.selectors import Sources, engagement_score, home_sources, merged_home_ids
from hallway.notifications.emails import DIGEST_KIND, absolute, unsubscribe_token
from hallway.notifications.models import (
    DEFAULT_DIGEST_FREQUENCY,
    Channel,
    DigestFrequency,
    DigestSetting,
    Notification,
)
from hallway.notifications.render import SENSITIVE, render_notification
from hallway.notifications.selectors import digest_candidates
from hallway.posts.access import posts_visible_to
from hallway.posts.models import Comment, Post, PostTopic, Reaction
from hallway.profiles.access import people_visible_to
from hallway.profiles.models import Profile

logger = logging.getLogger(__name__)

BATCH = 50  # people per queued batch (one task, one SMTP connection)
RESCHEDULE_AFTER = timedelta(hours=1)  # a batch not done by then is queued again
TOP_POSTS = 5
QUESTIONS = 5
NEW_PEOPLE = 10
NOTIFICATIONS = 20
CANDIDATES = 60  # newest home-feed posts ranked (a capped set, DESIGN §5a)
EXCERPT_CHARS = 200


# --- periods ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    frequency: str  # daily | weekly
    key: str  # d2026-11-27 | w2026-W48
    start: datetime  # local midnight of the day, or of the Monday
    length: timedelta

    @property
    def due_from(self) -> datetime:
        return self.start + timedelta(hours=getattr(settings, "HALLWAY_DIGEST_HOUR", 8))

    @property
    def due_until(self) -> datetime:
        return self.start + timedelta(days=1)

    def is_due(self, now: datetime) -> bool:
        return self.due_from <= now < self.due_until


def period_of(frequency: str, now: datetime) -> Period:
    """The daily or weekly period that ``now`` falls in (server time)."""
    day = timezone.localtime(now).date()
    if frequency == DigestFrequency.DAILY:
        start_day, key, length = day, f"d{day.isoformat()}", timedelta(days=1)
    elif frequency == DigestFrequency.WEEKLY:
        start_day = day - timedelta(days=day.weekday())
        year, week, _ = start_day.isocalendar()
        key, length = f"w{year}-W{week:02d}", timedelta(days=7)
    else:
        raise ValueError(f"no digest period for {frequency!r}")
    start = timezone.make_aware(datetime.combine(start_day, time()))
    return Period(frequency=str(frequency), key=key, start=start, length=length)


def frequency_of_key(key: str) -> str:
    return DigestFrequency.DAILY if key.startswith("d") else DigestFrequency.WEEKLY


def due_periods(now: datetime) -> list[Period]:
    periods = [period_of(f, now) for f in (DigestFrequency.DAILY, DigestFrequency.WEEKLY)]
    return [period for period in periods if period.is_due(now)]


# --- scheduling -----------------------------------------------------------------------------------
def people_due(period: Period, now: datetime) -> QuerySet[User]:
    """Active people who want this period's digest and are neither served nor recently
    queued for it."""
    mine = DigestSetting.objects.filter(user_id=OuterRef("pk"))
    handled = mine.filter(
        Q(sent_period=period.key)
        | Q(scheduled_period=period.key, scheduled_at__gte=now - RESCHEDULE_AFTER)
    )
    people = User.objects.filter(is_active=True).exclude(Exists(handled))
    if period.frequency == DEFAULT_DIGEST_FREQUENCY:
        return people.exclude(Exists(mine.exclude(frequency=period.frequency)))
    return people.filter(Exists(mine.filter(frequency=period.frequency)))


def schedule_digests(now: datetime | None = None) -> int:
    """Queue the digests that are due now, ``BATCH`` people a task; returns how many people.

    Each batch is marked and queued in one transaction; the batch key names the period, the
    people and the hour, so a second scheduler run in the same hour queues nothing new."""
    from hallway.notifications.tasks import send_digest_batch

    now = now or timezone.now()
    queued = 0
    for period in due_periods(now):
        ids = list(people_due(period, now).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            with transaction.atomic():
                DigestSetting.objects.bulk_create(
                    [DigestSetting(user_id=pk) for pk in chunk], ignore_conflicts=True
                )
                DigestSetting.objects.filter(user_id__in=chunk).update(
                    scheduled_period=period.key, scheduled_at=now
                )
                enqueue(
                    send_digest_batch,
                    idempotency_key=(
                        f"digest-batch:{period.key}:{chunk[0]}-{chunk[-1]}:{len(chunk)}"
                        f":{now:%Y%m%d%H}"
                    ),
                    user_ids=chunk,
                    period=period.key,
                )
            queued += len(chunk)
    if queued:
        logger.info("digests: queued %s people", queued)
    return queued


# --- content ------------------------------------------------------------------------------------
@dataclass
class DigestPost:
    url: str
    sensitive: bool
    title: str = ""
    excerpt: str = ""
    author: str = ""
    where: str = ""
    reactions: int = 0
    comments: int = 0


@dataclass
class DigestPerson:
    name: str
    title: str
    url: str


@dataclass
class DigestNote:
    text: str
    excerpt: str
    url: str


@dataclass
class Digest:
    top_posts: list[DigestPost] = field(default_factory=list)
    questions: list[DigestPost] = field(default_factory=list)
    people: list[DigestPerson] = field(default_factory=list)
    notifications: list[DigestNote] = field(default_factory=list)
    notification_ids: list[int] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.top_posts or self.questions or self.people or self.notifications)


def _excerpt(html: str) -> str:
    return Truncator(" ".join(strip_tags(html).split())).chars(EXCERPT_CHARS)


def _post_item(post: Post) -> DigestPost:
    url = absolute(reverse("post_detail", args=[post.pk]))
    group = post.group
    if group is not None and group.sensitivity in SENSITIVE:
        return DigestPost(url=url, sensitive=True)  # a bare link: nothing of the content
    return DigestPost(
        url=url,
        sensitive=False,
        title=post.title,
        excerpt=_excerpt(post.body_html),
        author=post.author.name,
        where=group.name if group is not None else "",
        reactions=post.reaction_count,
        comments=post.comment_count,
    )


def _first_id_since(moment: datetime) -> int:
    """A lower id bound for posts created since ``moment`` (ids grow with time)."""
    first = list(
        Post.objects.filter(created_at__gte=moment).order_by("created_at", "id").values("id")[:1]
    )
    return first[0]["id"] if first else 2**63 - 1


def _not_engaged(viewer: Viewer, posts: QuerySet[Post]) -> QuerySet[Post]:
    """Leave out the viewer's own posts and those they reacted to or commented on (seen)."""
    user_id = viewer.user_id or 0
    return (
        posts.exclude(author_id=user_id)
        .exclude(Exists(Reaction.objects.filter(post_id=OuterRef("pk"), user_id=user_id)))
        .exclude(Exists(Comment.objects.filter(post_id=OuterRef("pk"), author_id=user_id)))
    )


def top_posts(
    viewer: Viewer, sources: Sources, *, since: datetime, now: datetime, low: int
) -> list[Post]:
    """The most engaging posts of the viewer's home-feed sources since ``since``."""
    rows = [
        row
        for row in merged_home_ids(viewer, sources, wanted=CANDIDATES, low=low)
        if since <= row[3] <= now and row[0]
    ]
    ranked = sorted(
        rows,
        key=lambda row: engagement_score(
            reactions=row[1], comments=row[2], created_at=row[3], reference=now
        ),
        reverse=True,
    )
    wanted = [row[0] for row in ranked[: TOP_POSTS * 4]]
    if not wanted:
        return []
    found = {
        post.pk: post
        for post in _not_engaged(viewer, posts_visible_to(viewer).filter(pk__in=wanted))
        .exclude(kind=Post.Kind.QUESTION, comment_count=0)  # those go to "questions"
        .select_related("author", "group")
    }
    return [found[pk] for pk in wanted if pk in found][:TOP_POSTS]


def skills_of(user_ids: list[int]) -> dict[int, set[int]]:
    """Topic ids of each person's skills."""
    skills: dict[int, set[int]] = {pk: set() for pk in user_ids}
    rows = Profile.skills.through.objects.filter(profile_id__in=user_ids)
    for profile_id, topic_id in rows.values_list("profile_id", "topic_id"):
        skills[profile_id].add(topic_id)
    return skills


def open_questions(
    viewer: Viewer,
    sources: Sources,
    *,
    since: datetime,
    now: datetime,
    low: int,
    skills: set[int] | None = None,
) -> list[Post]:
    """Unanswered questions since ``since`` on the viewer's skills and followed topics."""
    user_id = viewer.user_id or 0
    if skills is None:
        skills = skills_of([user_id])[user_id]
    topic_ids = skills | sources.topics
    if not topic_ids:
        return []
    tagged = PostTopic.objects.filter(
        topic_id__in=topic_ids, audience__in_labels=viewer.labels, post_id__gte=low
    ).values("post_id")
    questions = posts_visible_to(viewer).filter(
        pk__in=tagged,
        kind=Post.Kind.QUESTION,
        comment_count=0,
        accepted_answer__isnull=True,
        created_at__gte=since,
        created_at__lte=now,
    )
    return list(
        questions.exclude(author_id=user_id)
        .select_related("author", "group")
        .order_by("-id")[:QUESTIONS]
    )


def new_teammates(viewer: Viewer, *, since: datetime, now: datetime) -> list[User]:
    """People who joined the viewer's team since ``since`` (members only: a guest has no team
    in the host company)."""
    user_id = viewer.user_id
    if user_id is None or not viewer.is_member:
        return []
    team = Profile.objects.filter(user_id=user_id, team__isnull=False).values("team_id")
    return list(
        people_visible_to(viewer)
        .filter(profile__team_id__in=team, date_joined__gte=since, date_joined__lte=now)
        .exclude(pk=user_id)
        .select_related("profile")
        .order_by("-date_joined", "pk")[:NEW_PEOPLE]
    )


@dataclass
class Hints:
    """What a batch already knows about a person, each saving a query (None: look it up).
    Only ever used to skip a section that is known to be empty, never to show anything."""

    has_notifications: bool = True
    team_has_newcomers: bool = True
    skills: set[int] | None = None
    low: int | None = None


def build_digest(
    viewer: Viewer, *, since: datetime, now: datetime, hints: Hints | None = None
) -> Digest:
    """Everything a digest says, read now through the permission layer."""
    hints = hints or Hints()
    digest = Digest()
    if viewer.user_id is None or not viewer.labels:
        return digest
    low = hints.low if hints.low is not None else _first_id_since(since)
    sources = home_sources(viewer)
    digest.top_posts = [
        _post_item(p) for p in top_posts(viewer, sources, since=since, now=now, low=low)
    ]
    questions = open_questions(viewer, sources, since=since, now=now, low=low, skills=hints.skills)
    digest.questions = [_post_item(p) for p in questions]
    teammates = new_teammates(viewer, since=since, now=now) if hints.team_has_newcomers else []
    digest.people = [
        DigestPerson(
            name=person.name,
            title=person.profile.title,
            url=absolute(reverse("person_detail", args=[person.pk])),
        )
        for person in teammates
    ]
    candidates = digest_candidates(viewer)[:NOTIFICATIONS] if hints.has_notifications else []
    for notification in candidates:
        rendered = render_notification(notification, for_email=True)
        digest.notifications.append(
            DigestNote(
                text=rendered.text,
                excerpt=rendered.excerpt,
                url=absolute(reverse("notification_open", args=[notification.pk])),
            )
        )
        digest.notification_ids.append(notification.pk)
    return digest


def render_digest(digest: Digest, *, user: User, frequency: str) -> dict[str, Any]:
    """Subject, text, HTML and headers (RFC 8058 one-click unsubscribe) of a digest."""
    network = settings.HALLWAY_NETWORK_NAME
    token = unsubscribe_token(user_id=user.pk, kind=DIGEST_KIND)
    unsubscribe_url = absolute(reverse("notification_unsubscribe", args=[token]))
    label = "daily" if frequency == DigestFrequency.DAILY else "weekly"
    context = {
        "network_name": network,
        "name": user.name,
        "label": label,
        "digest": digest,
        "home_url": absolute(reverse("home")),
        "preferences_url": absolute(reverse("notification_preferences")),
        "unsubscribe_url": unsubscribe_url,
    }
    return {
        "subject": f"[{network}] Your {label} digest",
        "text": render_to_string("notifications/email/digest.txt", context),
        "html": render_to_string("notifications/email/digest.html", context),
        "headers": {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }


# --- sending ------------------------------------------------------------------------------------
def effect_key(period_key: str, user_id: int) -> str:
    return f"digest:{period_key}:{user_id}"


@dataclass
class _Batch:
    """What a batch of digests needs to know about its people, in a few queries."""

    now: datetime
    users: dict[int, User]
    last_sent: dict[int, datetime | None]
    frequency: dict[int, str]
    done: set[str]
    with_notifications: set[int]
    skills: dict[int, set[int]]
    team: dict[int, int | None]
    teams_with_newcomers: set[int | None]
    lows: dict[datetime, int]

    def since(self, user_id: int, frequency: str) -> datetime:
        """The start of "what is new": the last digest, at most two periods back."""
        length = timedelta(days=1 if frequency == DigestFrequency.DAILY else 7)
        last = self.last_sent.get(user_id)
        return max(last or self.now - length, self.now - 2 * length)

    def hints(self, user_id: int, since: datetime) -> Hints:
        if since not in self.lows:
            self.lows[since] = _first_id_since(since)
        return Hints(
            has_notifications=user_id in self.with_notifications,
            team_has_newcomers=self.team.get(user_id) in self.teams_with_newcomers,
            skills=self.skills.get(user_id, set()),
            low=self.lows[since],
        )


def _load_batch(user_ids: list[int], period_key: str) -> _Batch:
    keys = [effect_key(period_key, pk) for pk in user_ids]
    rows = DigestSetting.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "frequency", "last_sent_at"
    )
    pending = Notification.objects.filter(
        recipient_id__in=user_ids,
        channel=Channel.DIGEST,
        read_at__isnull=True,
        digested_at__isnull=True,
    )
    now = timezone.now()
    earliest = now - timedelta(days=14)
    newcomers = Profile.objects.filter(
        user__date_joined__gte=earliest, user__is_active=True, team__isnull=False
    )
    return _Batch(
        now=now,
        skills=skills_of(user_ids),
        team=dict(Profile.objects.filter(user_id__in=user_ids).values_list("user_id", "team_id")),
        teams_with_newcomers=set(newcomers.values_list("team_id", flat=True).distinct()),
        lows={},
        users=User.objects.filter(pk__in=user_ids, is_active=True).in_bulk(),
        last_sent={pk: last for pk, _, last in rows},
        frequency={pk: frequency for pk, frequency, _ in rows},
        done=set(TaskEffect.objects.filter(key__in=keys).values_list("key", flat=True)),
        with_notifications=set(pending.values_list("recipient_id", flat=True).distinct()),
    )


def send_digest(*, user_id: int, period_key: str, connection: Any = None) -> str:
    """Build and send one person's digest for one period, once. Returns what happened:
    ``sent``, ``empty`` (nothing new: not sent), ``done`` (already served) or ``skipped``
    (deactivated, or no longer wants this digest)."""
    batch = _load_batch([user_id], period_key)
    return _send_one(user_id, period_key, batch, connection)


def _send_one(user_id: int, period_key: str, batch: _Batch, connection: Any) -> str:
    key = effect_key(period_key, user_id)
    if key in batch.done:
        return "done"
    user = batch.users.get(user_id)
    frequency = frequency_of_key(period_key)
    if user is None or batch.frequency.get(user_id, DEFAULT_DIGEST_FREQUENCY) != frequency:
        return "skipped"
    now = batch.now
    since = batch.since(user_id, frequency)
    # Built outside the once-only transaction: on SQLite that transaction holds the write
    # lock, and other workers should build their digests meanwhile.
    digest = build_digest(viewer_for(user), since=since, now=now, hints=batch.hints(user_id, since))
    with effect_once(key) as first:
        if not first:
            return "done"
        if digest.is_empty:
            _mark_served(user_id, period_key)
            return "empty"
        message = render_digest(digest, user=user, frequency=frequency)
        EmailMultiAlternatives(
            subject=message["subject"],
            body=message["text"],
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
            headers=message["headers"],
            connection=connection,
            alternatives=[(message["html"], "text/html")],
        ).send()
        Notification.objects.filter(
            pk__in=digest.notification_ids, digested_at__isnull=True
        ).update(digested_at=now)
        _mark_served(user_id, period_key, sent_at=now)
    return "sent"


def _mark_served(user_id: int, period_key: str, *, sent_at: datetime | None = None) -> None:
    changes: dict[str, Any] = {"sent_period": period_key}
    if sent_at is not None:
        changes["last_sent_at"] = sent_at
    if not DigestSetting.objects.filter(user_id=user_id).update(**changes):
        DigestSetting.objects.create(user_id=user_id, **changes)


def send_digests(*, user_ids: list[int], period_key: str) -> dict[str, int]:
    """Send a batch of digests over one SMTP connection. One person's failure does not stop
    the others; it is raised at the end so the task runs again (the others are done)."""
    outcomes: Counter[str] = Counter()
    failed: Exception | None = None
    batch = _load_batch(user_ids, period_key)
    with get_connection() as connection:
        for user_id in user_ids:
            try:
                outcome = _send_one(user_id, period_key, batch, connection)
            except Exception as error:  # raised again below, after the others are served
                logger.exception("digest for %s (%s) failed", user_id, period_key)
                outcomes["failed"] += 1
                failed = error
            else:
                outcomes[outcome] += 1
    if failed is not None:
        raise failed
    return dict(outcomes)
