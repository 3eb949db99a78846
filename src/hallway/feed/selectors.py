"""Feeds: home, group, profile, topic, company and the network stream (docs/adr/0003).

Every feed reads through ``posts_visible_to(viewer)`` (or filters ``audience IN labels`` in
the same SQL), so access removed — a group left, a person deactivated — is gone from every
feed on the next request. Pages are keyset pages on the post id (newest first, no OFFSET);
the number of SQL statements per page does not depend on the page size.

The home feed merges its sources at read time (ADR 0003):

1. *Window*: the newest ``WINDOW`` posts of the whole network (an id range) are filtered by
   the viewer's sources in one statement. A typical person finds a page there.
2. *Per-source fallback*: otherwise, one statement asks each source (followed person,
   joined group, followed topic, followed company, announcements, own posts) for the id of
   its n-th newest visible post; the largest of those is a floor under which no post of the
   page can lie, and one ``UNION`` of index range scans above the floor gives the page.
   Each source contributes at most n rows, so the cost is bounded by sources × n, never by
   how far back the page reaches (the sparse follower, the new person).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.core.cursors import BadCursor, decode_cursor, encode_cursor
from hallway.core.permissions import NETWORK_LABEL, Viewer
from hallway.feed.models import Mute
from hallway.groups.models import Group
from hallway.posts.access import posts_visible_to
from hallway.posts.models import Post, PostTopic
from hallway.posts.selectors import hydrate_posts
from hallway.profiles.models import Follow, Topic

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# The newest posts of the network scanned before asking each source (step 1 above).
WINDOW = 2000
# "Top": the newest TOP_CANDIDATES posts of the last TOP_DAYS days are ranked, never more.
TOP_CANDIDATES = 200
TOP_DAYS = 14
# The "new posts" indicator counts at most this many.
NEW_POSTS_CAP = 99
# Network-wide announcements. Public groups and company pages share the label (ADR 0004),
# but their announcements stay where they were posted.
NETWORK_ANNOUNCEMENT = Q(
    kind=Post.Kind.ANNOUNCEMENT, audience=NETWORK_LABEL, group__isnull=True, company__isnull=True
)
NEWEST_POST_CACHE_KEY = "hallway:feed:newest-post-id"
NEWEST_POST_CACHE_SECONDS = 60

Ordering = Literal["new", "top"]


@dataclass
class FeedPage:
    """One page of a feed: ``results`` (pinned posts first on a first page) and the cursor
    of the next page (``None`` on the last)."""

    results: list[Post]
    next_cursor: str | None
    pinned_ids: set[int] = field(default_factory=set)


# --- cursors --------------------------------------------------------------------------------
def _encode(values: list[Any]) -> str:
    return encode_cursor(*values)


def _decode(cursor: str) -> list[Any]:
    return decode_cursor(cursor)


def _valid_id(value: Any) -> bool:
    return type(value) is int and 0 < value < 2**63


def encode_new_cursor(post_id: int) -> str:
    return _encode(["n", post_id])


def decode_new_cursor(cursor: str | None) -> int | None:
    """The id below which the next newest-first page starts (``BadCursor`` if forged)."""
    if not cursor:
        return None
    values = _decode(cursor)
    if len(values) != 2 or values[0] != "n" or not _valid_id(values[1]):
        raise BadCursor("Invalid cursor.")
    return int(values[1])


def _decode_top_cursor(cursor: str) -> tuple[float, float, int]:
    values = _decode(cursor)
    if (
        len(values) != 4
        or values[0] != "t"
        or type(values[1]) not in (int, float)
        or type(values[2]) not in (int, float)
        or not _valid_id(values[3])
        or not (0 < values[1] < 2**40)
        or not math.isfinite(values[2])
    ):
        raise BadCursor("Invalid cursor.")
    return float(values[1]), float(values[2]), int(values[3])


def clamp_limit(limit: int) -> int:
    return max(1, min(MAX_LIMIT, int(limit)))


# --- hydration -------------------------------------------------------------------------------
def hydrate(viewer: Viewer, ids: list[int]) -> list[Post]:
    """The posts of these ids, in this order, loaded for a post card by the posts app in a
    constant number of queries (it re-checks visibility with ``posts_visible_to``)."""
    if not ids:
        return []
    return hydrate_posts(viewer, [Post(pk=pk) for pk in ids])


def _page_of(
    viewer: Viewer, ids: list[int], limit: int, *, pinned: list[int] | None = None
) -> FeedPage:
    """Turn ``limit + 1`` newest-first ids into a page (the extra one says "there is more")."""
    more = len(ids) > limit
    ids = ids[:limit]
    next_cursor = encode_new_cursor(ids[-1]) if more and ids else None
    pinned = pinned or []
    posts = hydrate(viewer, [*pinned, *ids])
    return FeedPage(results=posts, next_cursor=next_cursor, pinned_ids=set(pinned))


def _single_source_page(
    viewer: Viewer,
    posts: QuerySet[Post],
    cursor: str | None,
    limit: int,
    *,
    pinned: QuerySet[Post] | None = None,
) -> FeedPage:
    """A newest-first page of one source (already permission-filtered); pinned posts, if
    any, come first on the first page and are left out of the stream below."""
    limit = clamp_limit(limit)
    before = decode_new_cursor(cursor)
    pinned_ids: list[int] = []
    if pinned is not None:
        pinned_ids = list(
            pinned.filter(pinned_until__gt=timezone.now())
            .order_by("-id")
            .values_list("id", flat=True)[:MAX_LIMIT]
        )
        posts = posts.exclude(pinned_until__gt=timezone.now())
    if before is not None:
        posts = posts.filter(pk__lt=before)
    ids = list(posts.order_by("-id").values_list("id", flat=True)[: limit + 1])
    return _page_of(viewer, ids, limit, pinned=pinned_ids if before is None else [])


# --- the home feed's sources -------------------------------------------------------------------
@dataclass
class Sources:
    """What feeds a person's home: ids of followed people, joined groups, followed topics,
    followed companies, and what they muted."""

    user_id: int
    people: set[int]
    groups: set[int]
    topics: set[int]
    companies: set[int]
    muted_people: set[int]
    muted_groups: set[int]
    muted_topics: set[int]

    @property
    def count(self) -> int:
        # + own posts + announcements
        return len(self.people) + len(self.groups) + len(self.topics) + len(self.companies) + 2


def home_sources(viewer: Viewer) -> Sources:
    """The viewer's follows, active memberships and mutes: three small indexed queries."""
    assert viewer.user_id is not None
    user_id = viewer.user_id
    people: set[int] = set()
    topics: set[int] = set()
    companies: set[int] = set()
    for person_id, topic_id, company_id in Follow.objects.filter(follower_id=user_id).values_list(
        "person_id", "topic_id", "company_id"
    ):
        if person_id is not None:
            people.add(person_id)
        elif topic_id is not None:
            topics.add(topic_id)
        elif company_id is not None:
            companies.add(company_id)
    groups = set(viewer.active_memberships)
    muted_people: set[int] = set()
    muted_groups: set[int] = set()
    muted_topics: set[int] = set()
    for person_id, group_id, topic_id in Mute.objects.filter(user_id=user_id).values_list(
        "person_id", "group_id", "topic_id"
    ):
        if person_id is not None:
            muted_people.add(person_id)
        elif group_id is not None:
            muted_groups.add(group_id)
        elif topic_id is not None:
            muted_topics.add(topic_id)
    people.discard(user_id)
    if NETWORK_LABEL not in viewer.labels:
        # A guest reads only the posts of their (external) groups, which are sources
        # already: followed people, topics and companies add nothing they may read, and
        # probing them would walk every post of people whose posts they cannot see.
        people, topics, companies = set(), set(), set()
    return Sources(
        user_id=user_id,
        people=people - muted_people,
        groups=groups - muted_groups,
        topics=topics - muted_topics,
        companies=companies,
        muted_people=muted_people,
        muted_groups=muted_groups,
        muted_topics=muted_topics,
    )


def _home_base(viewer: Viewer, sources: Sources, low: int, high: int | None) -> QuerySet[Post]:
    """Visible, live, not muted posts with ``low <= id < high``."""
    posts = posts_visible_to(viewer).filter(pk__gte=low)
    if high is not None:
        posts = posts.filter(pk__lt=high)
    if sources.muted_people:
        posts = posts.exclude(author_id__in=sources.muted_people)
    if sources.muted_groups:
        posts = posts.exclude(group_id__in=sources.muted_groups)
    if sources.muted_topics:
        posts = posts.exclude(
            Exists(
                PostTopic.objects.filter(post_id=OuterRef("pk"), topic_id__in=sources.muted_topics)
            )
        )
    return posts


def _source_terms(
    viewer: Viewer, sources: Sources, low: int, high: int | None
) -> list[QuerySet[Post]]:
    """One permission-filtered queryset per kind of source, each served by its own index."""
    base = _home_base(viewer, sources, low, high)
    terms = [base.filter(author_id__in={sources.user_id, *sources.people})]
    if sources.groups:
        terms.append(base.filter(group_id__in=sources.groups))
    if sources.companies:
        terms.append(base.filter(company_id__in=sources.companies))
    if NETWORK_LABEL in viewer.labels:
        terms.append(base.filter(NETWORK_ANNOUNCEMENT))
    if sources.topics:
        tagged = PostTopic.objects.filter(
            topic_id__in=sources.topics, audience__in_labels=viewer.labels, post_id__gte=low
        )
        if high is not None:
            tagged = tagged.filter(post_id__lt=high)
        terms.append(base.filter(pk__in=tagged.values("post_id")))
    return terms


def _source_predicate(viewer: Viewer, sources: Sources, low: int, high: int | None) -> Q:
    """The same sources as one OR predicate (used inside the narrow recent window)."""
    predicate = Q(author_id__in={sources.user_id, *sources.people})
    if NETWORK_LABEL in viewer.labels:
        predicate |= NETWORK_ANNOUNCEMENT
    if sources.groups:
        predicate |= Q(group_id__in=sources.groups)
    if sources.companies:
        predicate |= Q(company_id__in=sources.companies)
    if sources.topics:
        tagged = PostTopic.objects.filter(
            topic_id__in=sources.topics, audience__in_labels=viewer.labels, post_id__gte=low
        )
        if high is not None:
            tagged = tagged.filter(post_id__lt=high)
        predicate |= Q(pk__in=tagged.values("post_id"))
    return predicate


def _per_source_floor(
    viewer: Viewer, sources: Sources, low: int, high: int | None, wanted: int
) -> int:
    """The largest, over all sources, of the id of a source's ``wanted``-th newest post in
    ``[low, high)``: no post of the page lies below it. One statement, each source an index
    probe of at most ``wanted`` rows."""
    base = _home_base(viewer, sources, low, high)
    offset = wanted - 1

    def nth(posts: QuerySet[Post]) -> Subquery:
        return Subquery(posts.order_by("-id").values("id")[offset : offset + 1])

    authors = User.objects.filter(pk__in={sources.user_id, *sources.people}).annotate(
        floor=nth(base.filter(author_id=OuterRef("pk")))
    )
    terms: list[QuerySet[Any]] = [authors.order_by().values("floor")]
    if sources.groups:
        groups = Group.objects.filter(pk__in=sources.groups).annotate(
            floor=nth(base.filter(group_id=OuterRef("pk")))
        )
        terms.append(groups.order_by().values("floor"))
    if sources.companies:
        companies = Company.objects.filter(pk__in=sources.companies).annotate(
            floor=nth(base.filter(company_id=OuterRef("pk")))
        )
        terms.append(companies.order_by().values("floor"))
    if sources.topics:
        tagged = PostTopic.objects.filter(
            Exists(base.filter(pk=OuterRef("post_id"))),
            topic_id=OuterRef("pk"),
            audience__in_labels=viewer.labels,
            post_id__gte=low,
        )
        if high is not None:
            tagged = tagged.filter(post_id__lt=high)
        topics = Topic.objects.filter(pk__in=sources.topics).annotate(
            floor=Subquery(tagged.order_by("-post_id").values("post_id")[offset : offset + 1])
        )
        terms.append(topics.order_by().values("floor"))
    if NETWORK_LABEL in viewer.labels:
        announcements = User.objects.filter(pk=sources.user_id).annotate(
            floor=nth(base.filter(NETWORK_ANNOUNCEMENT))
        )
        terms.append(announcements.order_by().values("floor"))
    query = terms[0].union(*terms[1:], all=True) if len(terms) > 1 else terms[0]
    floors = [row["floor"] for row in query if row["floor"] is not None]
    return max([low, *floors])


def merged_home_ids(
    viewer: Viewer,
    sources: Sources,
    *,
    wanted: int,
    low: int = 0,
    high: int | None = None,
    exclude_ids: frozenset[int] = frozenset(),
) -> list[tuple[int, int, int, datetime]]:
    """The newest ``wanted`` home-feed posts with ``low <= id < high``, newest first, as
    ``(id, reaction_count, comment_count, created_at)``. At most four statements."""
    fields = ("id", "reaction_count", "comment_count", "created_at")
    found: list[tuple[int, int, int, datetime]] = []
    upper = high
    if sources.count * wanted > WINDOW:
        # Step 1: the recent window, one OR predicate over an id range.
        window = Post.objects.filter(pk__gte=low)
        if high is not None:
            window = window.filter(pk__lt=high)
        edge = list(window.order_by("-id").values_list("id", flat=True)[WINDOW - 1 : WINDOW])
        window_low = max(low, edge[0]) if edge else low
        posts = _home_base(viewer, sources, window_low, high).filter(
            _source_predicate(viewer, sources, window_low, high)
        )
        if exclude_ids:
            posts = posts.exclude(pk__in=exclude_ids)
        found = list(posts.order_by("-id").values_list(*fields)[:wanted])
        if len(found) >= wanted or window_low <= low:
            return found
        upper = window_low
    # Step 2: per-source floor, then one UNION of index range scans above it.
    still = wanted - len(found)
    floor = _per_source_floor(viewer, sources, low, upper, still + len(exclude_ids))
    terms = [
        term.exclude(pk__in=exclude_ids) if exclude_ids else term
        for term in _source_terms(viewer, sources, floor, upper)
    ]
    values = [term.values_list(*fields) for term in terms]
    union = values[0].union(*values[1:]) if len(values) > 1 else values[0]
    found.extend(union.order_by("-id")[:still])
    return found


def _pinned_announcements(viewer: Viewer) -> list[int]:
    return list(
        posts_visible_to(viewer)
        .filter(NETWORK_ANNOUNCEMENT, pinned_until__gt=timezone.now())
        .order_by("-id")
        .values_list("id", flat=True)[:MAX_LIMIT]
    )


def home_feed(
    viewer: Viewer,
    *,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    ordering: Ordering = "new",
) -> FeedPage:
    """Posts of the people I follow, my groups, topics and companies I follow, network
    announcements (pinned ones first) and my own, minus what I muted; newest first, or
    ``top``: the newest candidates of the last two weeks ranked by reactions and comments
    with time decay."""
    if viewer.user_id is None or not viewer.labels:
        return FeedPage(results=[], next_cursor=None)
    limit = clamp_limit(limit)
    if ordering == "top":
        return _top_home_feed(viewer, cursor=cursor, limit=limit)
    before = decode_new_cursor(cursor)
    sources = home_sources(viewer)
    pinned = _pinned_announcements(viewer)
    rows = merged_home_ids(
        viewer, sources, wanted=limit + 1, high=before, exclude_ids=frozenset(pinned)
    )
    ids = [row[0] for row in rows]
    return _page_of(viewer, ids, limit, pinned=pinned if before is None else [])


def engagement_score(
    *, reactions: int, comments: int, created_at: datetime, reference: datetime
) -> float:
    """Reactions and comments (a comment counts twice), decayed by age in hours."""
    hours = max(0.0, (reference - created_at).total_seconds() / 3600)
    return (1 + reactions + 2 * comments) / (hours + 2) ** 1.5


def _first_id_since(moment: datetime) -> int:
    first = list(
        Post.objects.filter(created_at__gte=moment)
        .order_by("created_at", "id")
        .values_list("id", flat=True)[:1]
    )
    return first[0] if first else 2**63 - 1


def _top_home_feed(viewer: Viewer, *, cursor: str | None, limit: int) -> FeedPage:
    """Rank a capped candidate set (DESIGN §5a): never all matches. The cursor keeps the
    reference time of the first page so the order holds from page to page."""
    after: tuple[float, int] | None = None
    if cursor:
        reference_ts, score, post_id = _decode_top_cursor(cursor)
        reference = datetime.fromtimestamp(reference_ts, tz=timezone.get_current_timezone())
        after = (score, post_id)
    else:
        reference = timezone.now()
    since = reference - timedelta(days=TOP_DAYS)
    low = _first_id_since(since)
    sources = home_sources(viewer)
    candidates = [
        row
        for row in merged_home_ids(viewer, sources, wanted=TOP_CANDIDATES, low=low)
        if since <= row[3] <= reference
    ]
    scored = sorted(
        (
            (
                engagement_score(
                    reactions=reactions, comments=comments, created_at=created, reference=reference
                ),
                pk,
            )
            for pk, reactions, comments, created in candidates
        ),
        reverse=True,
    )
    if after is not None:
        scored = [item for item in scored if item < after]
    page = scored[:limit]
    next_cursor = None
    if len(scored) > limit:
        score, pk = page[-1]
        next_cursor = _encode(["t", reference.timestamp(), score, pk])
    return FeedPage(results=hydrate(viewer, [pk for _, pk in page]), next_cursor=next_cursor)


def newest_post_id() -> int:
    """The newest post id, as told by ``fanout.on_post_created`` (0 when unknown)."""
    value = cache.get(NEWEST_POST_CACHE_KEY)
    return int(value) if isinstance(value, int) else 0


def new_posts_count(viewer: Viewer, *, since_post_id: int) -> int:
    """How many home-feed posts (not my own) are newer than ``since_post_id``: at most
    ``NEW_POSTS_CAP`` (the indicator says "99+")."""
    if viewer.user_id is None:
        return 0
    known = newest_post_id()
    if known and since_post_id >= known:
        return 0  # nothing was posted anywhere since: no SQL
    if not viewer.labels:
        return 0
    sources = home_sources(viewer)
    sources.muted_people = sources.muted_people | {sources.user_id}
    rows = merged_home_ids(viewer, sources, wanted=NEW_POSTS_CAP, low=since_post_id + 1)
    return len(rows)


def new_group_posts_count(viewer: Viewer, group: Group, *, since_post_id: int) -> int:
    """How many of the group's posts (not my own) the viewer may read are newer than
    ``since_post_id``: at most ``NEW_POSTS_CAP`` (the indicator says "99+")."""
    if viewer.user_id is None:
        return 0
    known = newest_post_id()
    if known and since_post_id >= known:
        return 0  # nothing was posted anywhere since: no SQL
    newer = (
        posts_visible_to(viewer)
        .filter(group_id=group.pk, pk__gt=since_post_id)
        .exclude(author_id=viewer.user_id)
    )
    return newer.order_by()[:NEW_POSTS_CAP].count()


# --- single-source feeds ------------------------------------------------------------------------
def group_feed(
    viewer: Viewer, group: Group, *, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> FeedPage:
    """A group's posts (pinned first); empty unless the viewer holds the group's label."""
    posts = posts_visible_to(viewer).filter(group_id=group.pk)
    return _single_source_page(viewer, posts, cursor, limit, pinned=posts)


def profile_feed(
    viewer: Viewer, person: User, *, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> FeedPage:
    """A person's posts that the viewer may read, wherever they were posted."""
    posts = posts_visible_to(viewer).filter(author_id=person.pk)
    return _single_source_page(viewer, posts, cursor, limit)


def company_feed(
    viewer: Viewer, company: Company, *, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> FeedPage:
    """A company page's internal side: members only (guests never hold the label)."""
    if not viewer.is_member:
        return FeedPage(results=[], next_cursor=None)
    posts = posts_visible_to(viewer).filter(company_id=company.pk)
    return _single_source_page(viewer, posts, cursor, limit)


def network_feed(
    viewer: Viewer, *, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> FeedPage:
    """The network-wide stream: members only (guests never hold the ``network`` label)."""
    if NETWORK_LABEL not in viewer.labels:
        return FeedPage(results=[], next_cursor=None)
    # Public groups and company pages share the ``network`` label (ADR 0004): not their posts.
    posts = posts_visible_to(viewer).filter(
        audience=NETWORK_LABEL, group__isnull=True, company__isnull=True
    )
    return _single_source_page(viewer, posts, cursor, limit)


def topic_feed(
    viewer: Viewer, topic: Topic, *, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> FeedPage:
    """Posts tagged with a topic that the viewer may read (the tag row carries the post's
    audience, so one index serves the page)."""
    limit = clamp_limit(limit)
    before = decode_new_cursor(cursor)
    if not viewer.labels:
        return FeedPage(results=[], next_cursor=None)
    tagged = PostTopic.objects.filter(
        topic_id=topic.pk, audience__in_labels=viewer.labels, post__deleted_at__isnull=True
    )
    if before is not None:
        tagged = tagged.filter(post_id__lt=before)
    ids = list(tagged.order_by("-post_id").values_list("post_id", flat=True)[: limit + 1])
    return _page_of(viewer, ids, limit)


# --- mutes ------------------------------------------------------------------------------------
def mutes_visible_to(viewer: Viewer) -> QuerySet[Mute]:
    """The viewer's own mutes whose target they may still see (a muted group that became
    hidden is not named back to them), targets loaded."""
    from hallway.groups.access import groups_visible_to
    from hallway.profiles.access import people_visible_to

    if viewer.user_id is None:
        return Mute.objects.none()
    return (
        Mute.objects.filter(user_id=viewer.user_id)
        .filter(Q(person__isnull=True) | Q(person__in=people_visible_to(viewer)))
        .filter(Q(group__isnull=True) | Q(group__in=groups_visible_to(viewer)))
        .select_related("person", "group", "topic")
    )
