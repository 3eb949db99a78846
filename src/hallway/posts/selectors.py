"""Read paths for posts: hydrating a page of posts for cards, a post's comments, reactions,
revisions and mention candidates. Everything starts from the permission layer
(``posts.access``, ``groups.access``, ``profiles.access``) and costs a fixed number of
queries whatever the number of posts or comments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from hallway.accounts.models import User
from hallway.core.errors import NotFound
from hallway.core.markdown import extract_mentions
from hallway.core.permissions import Viewer
from hallway.groups.access import people_who_can_read
from hallway.groups.models import Group, Membership
from hallway.posts.access import (
    attachments_visible_to,
    comments_visible_to,
    posts_visible_to,
)
from hallway.posts.models import (
    Attachment,
    Comment,
    Poll,
    PollOption,
    PollVote,
    Post,
    PostRevision,
    PostTopic,
    Reaction,
)
from hallway.profiles.access import people_visible_to

REACTION_KINDS: tuple[str, ...] = tuple(Reaction.Kind.values)
REACTION_LABELS: dict[str, str] = dict(Reaction.Kind.choices)
MENTION_CANDIDATES_LIMIT = 10
MAX_COMMENTS_SHOWN = 500


@dataclass
class ReactionSummary:
    """Counts per kind and the kinds this viewer chose, for a post or a comment."""

    counts: dict[str, int] = field(default_factory=dict)
    mine: set[str] = field(default_factory=set)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        return [
            {
                "kind": kind,
                "label": REACTION_LABELS[kind],
                "count": self.counts.get(kind, 0),
                "pressed": kind in self.mine,
            }
            for kind in REACTION_KINDS
        ]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def container_url(post: Post) -> str:
    """Where the post lives: its group's page, its company's page, or the home page."""
    if post.group_id is not None:
        try:
            return reverse("group_detail", kwargs={"slug": post.group.slug})  # type: ignore[union-attr]
        except NoReverseMatch:  # the groups pages are not installed yet
            return ""
    if post.company_id is not None:
        return reverse("company_detail", kwargs={"slug": post.company.slug})  # type: ignore[union-attr]
    return reverse("home")


def container_name(post: Post) -> str:
    if post.group_id is not None:
        return post.group.name  # type: ignore[union-attr]
    if post.company_id is not None:
        return f"{post.company.name} (internal)"  # type: ignore[union-attr]
    return "Everyone"


def _moderated_and_active_groups(viewer: Viewer, group_ids: set[int]) -> tuple[set[int], set[int]]:
    """Of these groups, those the viewer moderates and those they are an active member of."""
    if viewer.user is None or not group_ids:
        return set(), set()
    roles = viewer.active_memberships
    active = {group_id for group_id in group_ids if group_id in roles}
    moderators = (Membership.Role.OWNER, Membership.Role.MODERATOR)
    moderated = {group_id for group_id in active if roles[group_id] in moderators}
    return moderated, active


def _reaction_summaries(
    viewer: Viewer, *, post_ids: Iterable[int] = (), comment_ids: Iterable[int] = ()
) -> dict[tuple[str, int], ReactionSummary]:
    """Counts per kind and the viewer's own kinds, in one query."""
    post_ids, comment_ids = list(post_ids), list(comment_ids)
    summaries: dict[tuple[str, int], ReactionSummary] = defaultdict(ReactionSummary)
    if not post_ids and not comment_ids:
        return summaries
    target = Q(post_id__in=post_ids) | Q(comment_id__in=comment_ids)
    counted = (
        Reaction.objects.filter(target)
        .values("post_id", "comment_id", "kind")
        .annotate(n=Count("id"), mine=Count("id", filter=Q(user_id=viewer.user_id or 0)))
        .order_by()
    )
    for row in counted:
        key = ("post", row["post_id"]) if row["post_id"] else ("comment", row["comment_id"])
        summaries[key].counts[row["kind"]] = row["n"]
        if row["mine"]:
            summaries[key].mine.add(row["kind"])
    return summaries


def hydrate_posts(viewer: Viewer, posts: list[Post]) -> list[Post]:
    """Fetch everything a post card shows for these (already visible) posts, in a fixed
    number of queries, and return fresh Post objects in the same order.

    Attached to each post: ``author``, ``group``,
    ``company``, ``link_preview``, ``topic_list``, ``image_attachments`` and
    ``file_attachments``, ``praised_people``, ``poll_data`` (``None`` or a dict with
    ``poll``, ``options`` [each with ``percent`` and ``chosen``], ``total_votes``,
    ``is_closed``, ``has_voted``), ``reaction_summary`` (a ``ReactionSummary``), ``is_pinned``,
    ``container_url``, ``container_name`` and the flags ``can_edit``, ``can_delete``,
    ``can_comment``, ``can_accept``, ``can_vote``. Posts the viewer may not read are dropped.
    """
    ids = [post.pk for post in posts]
    if not ids:
        return []
    fetched = {
        post.pk: post
        for post in posts_visible_to(viewer)
        .filter(pk__in=ids)
        .select_related("author", "group", "company", "link_preview")
    }
    ordered = [fetched[pk] for pk in ids if pk in fetched]
    if not ordered:
        return []
    ids = [post.pk for post in ordered]

    topics: dict[int, list[Any]] = defaultdict(list)
    for row in (
        PostTopic.objects.filter(post_id__in=ids).select_related("topic").order_by("topic__name")
    ):
        topics[row.post_id].append(row.topic)

    attachments: dict[int, list[Attachment]] = defaultdict(list)
    for attachment in attachments_visible_to(viewer).filter(post_id__in=ids).order_by("id"):
        attachments[attachment.post_id].append(attachment)  # type: ignore[index]

    praised: dict[int, list[User]] = defaultdict(list)
    praise_ids = [post.pk for post in ordered if post.kind == Post.Kind.PRAISE]
    if praise_ids:
        through = Post.praised.through
        # Only people this viewer may see (a praised person may since have left the group).
        praises = through.objects.filter(
            post_id__in=praise_ids, user__in=people_visible_to(viewer)
        ).select_related("user")
        for praise in praises:
            praised[praise.post_id].append(praise.user)

    polls = poll_data_for(viewer, [post.pk for post in ordered if post.kind == Post.Kind.POLL])
    reactions = _reaction_summaries(viewer, post_ids=ids)
    group_ids = {post.group_id for post in ordered if post.group_id is not None}
    moderated, active = _moderated_and_active_groups(viewer, group_ids)
    now = timezone.now()
    user_id = viewer.user_id
    for post in ordered:
        post.topic_list = topics.get(post.pk, [])  # type: ignore[attr-defined]
        files = attachments.get(post.pk, [])
        post.image_attachments = [a for a in files if a.is_image]  # type: ignore[attr-defined]
        post.file_attachments = [a for a in files if not a.is_image]  # type: ignore[attr-defined]
        post.praised_people = praised.get(post.pk, [])  # type: ignore[attr-defined]
        post.poll_data = polls.get(post.pk)  # type: ignore[attr-defined]
        post.reaction_summary = reactions[("post", post.pk)]  # type: ignore[attr-defined]
        post.is_pinned = post.pinned_until is not None and post.pinned_until > now  # type: ignore[attr-defined]
        post.container_url = container_url(post)  # type: ignore[attr-defined]
        post.container_name = container_name(post)  # type: ignore[attr-defined]
        is_author = user_id is not None and post.author_id == user_id
        in_group = post.group_id in active
        moderates = post.group_id in moderated
        archived = post.group is not None and post.group.is_archived
        can_write = (in_group and not archived) if post.group_id else viewer.is_member
        post.can_edit = is_author  # type: ignore[attr-defined]
        post.can_delete = is_author or (  # type: ignore[attr-defined]
            moderates if post.group_id is not None else viewer.is_network_admin
        )
        post.can_comment = can_write  # type: ignore[attr-defined]
        post.can_react = user_id is not None  # type: ignore[attr-defined]
        post.can_accept = post.kind == Post.Kind.QUESTION and (is_author or moderates)  # type: ignore[attr-defined]
        poll_info = post.poll_data  # type: ignore[attr-defined]
        post.can_vote = bool(poll_info) and not poll_info["is_closed"] and user_id is not None  # type: ignore[attr-defined]
    return ordered


def poll_data_for(viewer: Viewer, post_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Polls of these posts with options, counts and the viewer's choices; one query."""
    if not post_ids:
        return {}
    chosen_by_viewer = Exists(
        PollVote.objects.filter(option=OuterRef("pk"), user_id=viewer.user_id or 0)
    )
    polls: dict[int, Poll] = {}
    options: dict[int, list[PollOption]] = defaultdict(list)
    chosen: set[int] = set()
    rows = (
        PollOption.objects.filter(poll__post_id__in=post_ids)
        .select_related("poll")
        .annotate(chosen_by_viewer=chosen_by_viewer)
        .order_by("poll_id", "position")
    )
    for row in rows:
        polls[row.poll_id] = row.poll
        options[row.poll_id].append(row)
        if row.chosen_by_viewer:
            chosen.add(row.pk)
    now = timezone.now()
    result: dict[int, dict[str, Any]] = {}
    for poll in polls.values():
        poll_options = options.get(poll.pk, [])
        total = sum(option.vote_count for option in poll_options)
        for option in poll_options:
            option.percent = round(100 * option.vote_count / total) if total else 0  # type: ignore[attr-defined]
            option.chosen = option.pk in chosen  # type: ignore[attr-defined]
        result[poll.post_id] = {
            "poll": poll,
            "options": poll_options,
            "total_votes": total,
            "is_closed": poll.closes_at is not None and poll.closes_at <= now,
            "has_voted": any(option.pk in chosen for option in poll_options),
        }
    return result


@dataclass
class CommentThread:
    """A top-level comment with its replies (one level), each hydrated."""

    comment: Comment
    replies: list[Comment]


def comment_threads(viewer: Viewer, post: Post) -> list[CommentThread]:
    """The post's comments oldest first, replies under their parent; a fixed number of
    queries (comments with authors, reactions, attachments), see ``hydrate_comments``."""
    comments = hydrate_comments(
        viewer,
        post,
        list(
            comments_visible_to(viewer)
            .filter(post_id=post.pk)
            .select_related("author")
            .order_by("id")[:MAX_COMMENTS_SHOWN]
        ),
    )
    threads: list[CommentThread] = []
    by_id: dict[int, CommentThread] = {}
    for comment in comments:
        if comment.parent_id is None:
            thread = CommentThread(comment=comment, replies=[])
            threads.append(thread)
            by_id[comment.pk] = thread
        elif comment.parent_id in by_id:
            by_id[comment.parent_id].replies.append(comment)
    return threads


def access_hydrated_comment(viewer: Viewer, comment_id: int) -> Comment:
    """One comment as ``comment_threads`` shows it (NotFound when missing or hidden)."""
    comment = (
        comments_visible_to(viewer).select_related("post", "author").filter(pk=comment_id).first()
    )
    if comment is None:
        raise NotFound
    return hydrate_comments(viewer, comment.post, [comment])[0]


def reaction_summary_of(
    viewer: Viewer, *, post: Post | None = None, comment: Comment | None = None
) -> ReactionSummary:
    """Reaction counts and the viewer's own kinds for one (already accessed) post or
    comment: one query."""
    if comment is not None:
        return _reaction_summaries(viewer, comment_ids=[comment.pk])[("comment", comment.pk)]
    assert post is not None
    return _reaction_summaries(viewer, post_ids=[post.pk])[("post", post.pk)]


def hydrate_comments(viewer: Viewer, post: Post, comments: list[Comment]) -> list[Comment]:
    """Give each comment (already visible, of this post) ``reaction_summary``,
    ``attachments_list``, ``can_edit``, ``can_react``, ``can_delete`` and ``is_accepted``."""
    ids = [comment.pk for comment in comments]
    reactions = _reaction_summaries(viewer, comment_ids=ids)
    files: dict[int, list[Attachment]] = defaultdict(list)
    if ids:
        for attachment in attachments_visible_to(viewer).filter(comment_id__in=ids):
            files[attachment.comment_id].append(attachment)  # type: ignore[index]
    if post.group_id is not None:
        moderated, _active = _moderated_and_active_groups(viewer, {post.group_id})
        moderates = post.group_id in moderated
    else:
        moderates = viewer.is_network_admin
    for comment in comments:
        mine = viewer.user_id is not None and comment.author_id == viewer.user_id
        comment.reaction_summary = reactions[("comment", comment.pk)]  # type: ignore[attr-defined]
        comment.attachments_list = files.get(comment.pk, [])  # type: ignore[attr-defined]
        comment.can_edit = mine  # type: ignore[attr-defined]
        comment.can_react = viewer.user_id is not None  # type: ignore[attr-defined]
        comment.can_delete = mine or moderates  # type: ignore[attr-defined]
        comment.is_accepted = post.accepted_answer_id == comment.pk  # type: ignore[attr-defined]
    return comments


def reactors_of(
    viewer: Viewer, *, post: Post | None = None, comment: Comment | None = None
) -> dict[str, list[User]]:
    """Who reacted, per kind, among the people this viewer may see (counts stay total)."""
    reactions = (
        Reaction.objects.filter(post=post)
        if post is not None
        else Reaction.objects.filter(comment=comment)
    )
    visible = people_visible_to(viewer)
    people: dict[str, list[User]] = {kind: [] for kind in REACTION_KINDS}
    for reaction in (
        reactions.filter(user__in=visible).select_related("user").order_by("kind", "-id")[:500]
    ):
        people[reaction.kind].append(reaction.user)
    return people


def revisions_of(post: Post) -> QuerySet[PostRevision]:
    """Earlier versions of a post the caller already may read, newest first."""
    return PostRevision.objects.filter(post=post).select_related("edited_by").order_by("-id")


def mention_candidates(viewer: Viewer, audience: str) -> QuerySet[User]:
    """People who may be mentioned in a container: they can read it and the viewer can see
    them. The caller must already know the viewer may post in that container."""
    return people_visible_to(viewer).filter(pk__in=people_who_can_read(audience).values("pk"))


def search_mention_candidates(viewer: Viewer, audience: str, query: str) -> list[User]:
    """At most ten mention candidates with a word of their name starting with ``query``."""
    query = query.strip()[:100]
    candidates = mention_candidates(viewer, audience)
    if query:
        candidates = candidates.filter(Q(name__istartswith=query) | Q(name__icontains=f" {query}"))
    return list(candidates.order_by("name", "pk")[:MENTION_CANDIDATES_LIMIT])


@dataclass
class MentionCheck:
    """The outcome of checking a draft's mentions against a container's audience."""

    allowed: list[User]
    refused: list[User]
    unknown_ids: list[int]

    @property
    def ok(self) -> bool:
        return not self.refused and not self.unknown_ids


def check_mentions(viewer: Viewer, body: str, audience: str) -> MentionCheck:
    """Split the people a draft mentions into those who can read the container and those
    who cannot (``refused``; only people the viewer can see are named). Ids of people the
    viewer cannot see at all are reported as ``unknown_ids`` without a name."""
    ids = extract_mentions(body)
    if not ids:
        return MentionCheck(allowed=[], refused=[], unknown_ids=[])
    visible = {person.pk: person for person in people_visible_to(viewer).filter(pk__in=ids)}
    readers = set(people_who_can_read(audience).filter(pk__in=visible).values_list("pk", flat=True))
    allowed = [visible[pk] for pk in ids if pk in visible and pk in readers]
    refused = [visible[pk] for pk in ids if pk in visible and pk not in readers]
    unknown = [pk for pk in ids if pk not in visible]
    return MentionCheck(allowed=allowed, refused=refused, unknown_ids=unknown)


def group_for_container(viewer: Viewer, group_id: int) -> Group:
    """The group a composer or autocomplete names (NotFound when hidden)."""
    from hallway.groups.access import access_group_by_id

    return access_group_by_id(viewer, group_id)
