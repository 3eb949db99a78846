"""API routes for posts, comments, reactions, polls, answers, files and mentions.

Every read starts from the permission layer (``posts.access``); every write is a ``do_*``
action shared with the pages. A hidden post, comment or file answers 404 like a missing one.
Other routers that list posts (feeds, group posts) use ``PostOut`` and ``post_json`` with
posts from ``posts.selectors.hydrate_posts``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import AfterValidator, Field

from hallway.api.auth import api_viewer
from hallway.api.pagination import PageParams, decode, encode, page_by_newest
from hallway.api.schemas import (
    ErrorOut,
    Id,
    LongText,
    PersonRef,
    ShortText,
    TopicOut,
    _clean_text,
    responses,
)
from hallway.api.serializers import person_ref
from hallway.companies.access import access_company_by_id
from hallway.core.errors import ActionError, NotFound, PermissionDenied
from hallway.core.markdown import mention_markup
from hallway.core.permissions import Viewer
from hallway.groups.access import access_group_by_id
from hallway.posts.access import (
    access_attachment_by_id,
    access_comment_by_id,
    access_post_by_id,
    audience_for,
    can_post_to,
)
from hallway.posts.actions import (
    do_accept_answer,
    do_create_comment,
    do_create_post,
    do_delete_comment,
    do_delete_post,
    do_edit_comment,
    do_edit_post,
    do_react,
    do_upload_attachment,
    do_vote,
)
from hallway.posts.models import Attachment, Comment, Post
from hallway.posts.selectors import (
    REACTION_KINDS,
    access_hydrated_comment,
    comment_threads,
    hydrate_posts,
    reaction_summary_of,
    reactors_of,
    revisions_of,
    search_mention_candidates,
)

router = Router(tags=["posts"])

PostKind = Literal["update", "question", "announcement", "praise", "poll"]
ReactionKind = Literal["like", "celebrate", "insightful", "support"]


def _no_nul(value: str) -> str:
    return _clean_text(value)


# --- schemas --------------------------------------------------------------------------------
class ContainerOut(Schema):
    type: Literal["group", "company", "network"]
    id: int | None
    name: str


class FileOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    is_image: bool
    url: str = Field(description="Download URL (same permission check as the post).")
    created_at: datetime


class PollOptionOut(Schema):
    id: int
    text: str
    votes: int
    chosen: bool


class PollOut(Schema):
    allows_multiple: bool
    closes_at: datetime | None
    is_closed: bool
    total_votes: int
    options: list[PollOptionOut]


class LinkPreviewOut(Schema):
    url: str
    title: str
    description: str
    site_name: str


class ReactionCountsOut(Schema):
    like: int = 0
    celebrate: int = 0
    insightful: int = 0
    support: int = 0


class PostOut(Schema):
    id: int
    url: str
    author: PersonRef
    container: ContainerOut
    kind: PostKind
    title: str
    body: str
    body_html: str = Field(description="Sanitised HTML rendering of the Markdown body.")
    created_at: datetime
    edited_at: datetime | None
    pinned_until: datetime | None
    topics: list[TopicOut]
    praised: list[PersonRef]
    attachments: list[FileOut]
    poll: PollOut | None
    link_preview: LinkPreviewOut | None
    accepted_answer_id: int | None
    comment_count: int
    reaction_count: int
    reactions: ReactionCountsOut
    my_reactions: list[ReactionKind]
    can_edit: bool
    can_delete: bool
    can_comment: bool


class PostPage(Schema):
    results: list[PostOut]
    next: str | None


class PollIn(Schema):
    options: list[ShortText] = Field(min_length=2, max_length=10)
    multiple: bool = False
    closes_at: datetime | None = None


class PostIn(Schema):
    body: LongText
    title: ShortText = ""
    kind: PostKind = "update"
    group_id: Id | None = Field(None, description="Post in this group.")
    company_id: Id | None = Field(
        None, description="Post on this company's internal side. Neither: the network stream."
    )
    topics: list[ShortText] = Field([], max_length=20)
    poll: PollIn | None = None
    praised: list[Id] | None = Field(
        None, max_length=10, description="People praised (default: those @mentioned)."
    )
    attachment_ids: list[Id] = Field([], max_length=10)
    pinned_until: datetime | None = None
    policy_justification: ShortText | None = Field(
        None, description="Why this is fine to publish, when a warn policy rule matched (422)."
    )


class PostUpdateIn(Schema):
    body: LongText
    title: ShortText | None = None
    policy_justification: ShortText | None = Field(
        None, description="Why this is fine to publish, when a warn policy rule matched (422)."
    )


class RevisionOut(Schema):
    id: int
    title: str
    body: str
    edited_by: PersonRef | None
    created_at: datetime


class RevisionPage(Schema):
    results: list[RevisionOut]
    next: str | None


class CommentOut(Schema):
    id: int
    post_id: int
    parent_id: int | None
    author: PersonRef
    body: str
    body_html: str
    created_at: datetime
    edited_at: datetime | None
    is_accepted: bool
    reactions: ReactionCountsOut
    my_reactions: list[ReactionKind]


class CommentPage(Schema):
    results: list[CommentOut]
    next: str | None


class CommentCreateIn(Schema):
    body: Annotated[str, Field(max_length=10000), AfterValidator(_no_nul)]
    parent_id: Id | None = Field(None, description="Reply to this comment.")
    policy_justification: ShortText | None = Field(
        None, description="Why this is fine to publish, when a warn policy rule matched (422)."
    )


class CommentUpdateIn(Schema):
    body: Annotated[str, Field(max_length=10000), AfterValidator(_no_nul)]
    policy_justification: ShortText | None = Field(
        None, description="Why this is fine to publish, when a warn policy rule matched (422)."
    )


class ReactionIn(Schema):
    kind: ReactionKind
    comment_id: Id | None = Field(None, description="React to this comment of the post.")


class ReactionStateOut(Schema):
    active: bool = Field(description="Whether your reaction of this kind is now on.")
    counts: ReactionCountsOut
    my_reactions: list[ReactionKind]


class ReactorOut(Schema):
    kind: ReactionKind
    person: PersonRef


class ReactorsOut(Schema):
    counts: ReactionCountsOut
    results: list[ReactorOut]


class AcceptIn(Schema):
    comment_id: Id | None = Field(description="The answer to accept; null clears it.")


class VoteIn(Schema):
    option_ids: list[Id] = Field(min_length=1, max_length=10)


class MentionOut(Schema):
    id: int
    name: str
    photo_url: str
    markup: str = Field(description="What to insert in a body: @[Name](user:ID).")


class MentionList(Schema):
    results: list[MentionOut]


class MentionParams(Schema):
    q: ShortText = ""
    group_id: Id | None = None
    company_id: Id | None = None


# --- serialisation --------------------------------------------------------------------------
def file_json(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "is_image": attachment.is_image,
        "url": reverse("attachment_download", args=[attachment.pk, attachment.name]),
        "created_at": attachment.created_at,
    }


def _container_json(post: Post) -> dict[str, Any]:
    if post.group_id is not None:
        return {"type": "group", "id": post.group_id, "name": post.group.name}  # type: ignore[union-attr]
    if post.company_id is not None:
        return {"type": "company", "id": post.company_id, "name": post.company.name}  # type: ignore[union-attr]
    return {"type": "network", "id": None, "name": "Everyone"}


def _poll_json(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if not data:
        return None
    poll = data["poll"]
    return {
        "allows_multiple": poll.allows_multiple,
        "closes_at": poll.closes_at,
        "is_closed": data["is_closed"],
        "total_votes": data["total_votes"],
        "options": [
            {
                "id": option.pk,
                "text": option.text,
                "votes": option.vote_count,
                "chosen": option.chosen,
            }
            for option in data["options"]
        ],
    }


def post_json(post: Post) -> dict[str, Any]:
    """A post hydrated by ``hydrate_posts`` as API JSON (no queries)."""
    preview = post.link_preview
    summary = post.reaction_summary  # type: ignore[attr-defined]
    return {
        "id": post.pk,
        "url": reverse("post_detail", kwargs={"post_id": post.pk}),
        "author": person_ref(post.author),
        "container": _container_json(post),
        "kind": post.kind,
        "title": post.title,
        "body": post.body,
        "body_html": post.body_html,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "pinned_until": post.pinned_until,
        "topics": [
            {"id": topic.pk, "slug": topic.slug, "name": topic.name}
            for topic in post.topic_list  # type: ignore[attr-defined]
        ],
        "praised": [person_ref(person) for person in post.praised_people],  # type: ignore[attr-defined]
        "attachments": [
            file_json(a)
            for a in [*post.image_attachments, *post.file_attachments]  # type: ignore[attr-defined]
        ],
        "poll": _poll_json(post.poll_data),  # type: ignore[attr-defined]
        "link_preview": (
            {
                "url": preview.url,
                "title": preview.title,
                "description": preview.description,
                "site_name": preview.site_name,
            }
            if preview is not None and preview.status == "ok"
            else None
        ),
        "accepted_answer_id": post.accepted_answer_id,
        "comment_count": post.comment_count,
        "reaction_count": post.reaction_count,
        "reactions": {kind: summary.counts.get(kind, 0) for kind in REACTION_KINDS},
        "my_reactions": sorted(summary.mine),
        "can_edit": post.can_edit,  # type: ignore[attr-defined]
        "can_delete": post.can_delete,  # type: ignore[attr-defined]
        "can_comment": post.can_comment,  # type: ignore[attr-defined]
    }


def comment_json(comment: Comment) -> dict[str, Any]:
    summary = comment.reaction_summary  # type: ignore[attr-defined]
    return {
        "id": comment.pk,
        "post_id": comment.post_id,
        "parent_id": comment.parent_id,
        "author": person_ref(comment.author),
        "body": comment.body,
        "body_html": comment.body_html,
        "created_at": comment.created_at,
        "edited_at": comment.edited_at,
        "is_accepted": bool(getattr(comment, "is_accepted", False)),
        "reactions": {kind: summary.counts.get(kind, 0) for kind in REACTION_KINDS},
        "my_reactions": sorted(summary.mine),
    }


def _hydrated(viewer: Viewer, post: Post) -> Post:
    posts = hydrate_posts(viewer, [post])
    if not posts:
        raise NotFound
    return posts[0]


def _user(request: HttpRequest) -> Any:
    return api_viewer(request).user


# --- posts ----------------------------------------------------------------------------------
@router.post("/posts", response=responses({201: PostOut}), summary="Publish a post")
def create_post(request: HttpRequest, payload: PostIn) -> Status:
    """In a group (``group_id``), on a company's internal side (``company_id``, members
    only), or on the network stream (neither; members only). Mentioning someone who cannot
    read the container is refused with 400 naming them. A content policy block answers 422
    ``{"detail", "rule", "action": "block"}``; a warning 422 with ``"action": "warn"`` until
    resent with ``policy_justification``. A post held for review is created (201) but only
    its author can read it until a compliance officer releases it."""
    viewer = api_viewer(request)
    if payload.group_id is not None and payload.company_id is not None:
        raise ActionError("Give group_id or company_id, not both.", field="company_id")
    group = access_group_by_id(viewer, payload.group_id) if payload.group_id else None
    company = access_company_by_id(viewer, payload.company_id) if payload.company_id else None
    poll = payload.poll
    post = do_create_post(
        author=viewer.user,  # type: ignore[arg-type]
        body=payload.body,
        title=payload.title,
        kind=payload.kind,
        group=group,
        company=company,
        topics=payload.topics,
        attachment_ids=payload.attachment_ids,
        poll_options=poll.options if poll else (),
        poll_multiple=poll.multiple if poll else False,
        poll_closes_at=poll.closes_at if poll else None,
        praised_ids=payload.praised,
        pinned_until=payload.pinned_until,
        policy_justification=payload.policy_justification,
    )
    return Status(201, post_json(_hydrated(viewer, post)))


@router.get("/posts/{post_id}", response=responses({200: PostOut}), summary="A post")
def get_post(request: HttpRequest, post_id: Id) -> dict[str, Any]:
    viewer = api_viewer(request)
    return post_json(_hydrated(viewer, access_post_by_id(viewer, post_id)))


@router.patch("/posts/{post_id}", response=responses({200: PostOut}), summary="Edit a post")
def edit_post(request: HttpRequest, post_id: Id, payload: PostUpdateIn) -> dict[str, Any]:
    """The author only; the previous text is kept (``/revisions``)."""
    viewer = api_viewer(request)
    post = access_post_by_id(viewer, post_id)
    do_edit_post(
        actor=viewer.user,  # type: ignore[arg-type]
        post=post,
        body=payload.body,
        title=payload.title,
        policy_justification=payload.policy_justification,
    )
    return post_json(_hydrated(viewer, post))


@router.delete("/posts/{post_id}", response=responses({204: None}), summary="Delete a post")
def delete_post(request: HttpRequest, post_id: Id) -> Status:
    """The author, a moderator of the post's group, or a network admin outside groups."""
    viewer = api_viewer(request)
    post = access_post_by_id(viewer, post_id)
    do_delete_post(actor=viewer.user, post=post)  # type: ignore[arg-type]
    return Status(204, None)


@router.get(
    "/posts/{post_id}/revisions",
    response=responses({200: RevisionPage}),
    summary="Earlier versions of a post",
)
def list_revisions(request: HttpRequest, post_id: Id, params: Query[PageParams]) -> dict[str, Any]:
    viewer = api_viewer(request)
    post = access_post_by_id(viewer, post_id)
    rows, next_cursor = page_by_newest(revisions_of(post), params)
    return {
        "results": [
            {
                "id": revision.pk,
                "title": revision.title,
                "body": revision.body,
                "edited_by": person_ref(revision.edited_by) if revision.edited_by else None,
                "created_at": revision.created_at,
            }
            for revision in rows
        ],
        "next": next_cursor,
    }


# --- comments -------------------------------------------------------------------------------
@router.get(
    "/posts/{post_id}/comments",
    response=responses({200: CommentPage}),
    summary="A post's comments",
)
def list_comments(request: HttpRequest, post_id: Id, params: Query[PageParams]) -> dict[str, Any]:
    """Oldest first; replies carry ``parent_id`` and follow their parent's thread order."""
    viewer = api_viewer(request)
    post = access_post_by_id(viewer, post_id)
    after = 0
    if params.cursor:
        (after,) = decode(params.cursor, int)
    ordered: list[Comment] = []
    for thread in comment_threads(viewer, post):
        ordered.append(thread.comment)
        ordered.extend(thread.replies)
    positions = {comment.pk: index for index, comment in enumerate(ordered)}
    start = 0
    if after:
        start = positions[after] + 1 if after in positions else len(ordered)
    page = ordered[start : start + params.limit]
    more = start + params.limit < len(ordered)
    return {
        "results": [comment_json(comment) for comment in page],
        "next": encode(page[-1].pk) if more and page else None,
    }


@router.post(
    "/posts/{post_id}/comments",
    response=responses({201: CommentOut}),
    summary="Comment on a post",
)
def create_comment(request: HttpRequest, post_id: Id, payload: CommentCreateIn) -> Status:
    """With ``parent_id``, a reply (a reply to a reply joins its top-level comment)."""
    viewer = api_viewer(request)
    post = access_post_by_id(viewer, post_id)
    parent = access_comment_by_id(viewer, payload.parent_id) if payload.parent_id else None
    comment = do_create_comment(
        author=viewer.user,  # type: ignore[arg-type]
        post=post,
        body=payload.body,
        parent=parent,
        policy_justification=payload.policy_justification,
    )
    return Status(201, _comment_out(viewer, comment.pk))


def _comment_out(viewer: Viewer, comment_id: int) -> dict[str, Any]:
    return comment_json(access_hydrated_comment(viewer, comment_id))


@router.patch(
    "/comments/{comment_id}", response=responses({200: CommentOut}), summary="Edit a comment"
)
def edit_comment(request: HttpRequest, comment_id: Id, payload: CommentUpdateIn) -> dict[str, Any]:
    viewer = api_viewer(request)
    comment = access_comment_by_id(viewer, comment_id)
    do_edit_comment(
        actor=viewer.user,  # type: ignore[arg-type]
        comment=comment,
        body=payload.body,
        policy_justification=payload.policy_justification,
    )
    return _comment_out(viewer, comment.pk)


@router.delete(
    "/comments/{comment_id}", response=responses({204: None}), summary="Delete a comment"
)
def delete_comment(request: HttpRequest, comment_id: Id) -> Status:
    viewer = api_viewer(request)
    comment = access_comment_by_id(viewer, comment_id)
    do_delete_comment(actor=viewer.user, comment=comment)  # type: ignore[arg-type]
    return Status(204, None)


# --- reactions, answers, votes --------------------------------------------------------------
@router.post(
    "/posts/{post_id}/reactions",
    response=responses({200: ReactionStateOut}),
    summary="Toggle a reaction",
)
def react(request: HttpRequest, post_id: Id, payload: ReactionIn) -> dict[str, Any]:
    """Toggles your reaction of ``kind`` on the post (or on ``comment_id``, one of its
    comments); answers the new counts."""
    viewer = api_viewer(request)
    post = access_post_by_id(viewer, post_id)
    if payload.comment_id is not None:
        comment = access_comment_by_id(viewer, payload.comment_id)
        if comment.post_id != post.pk:
            raise NotFound
        active = do_react(actor=viewer.user, comment=comment, kind=payload.kind)  # type: ignore[arg-type]
        summary = reaction_summary_of(viewer, comment=comment)
    else:
        active = do_react(actor=viewer.user, post=post, kind=payload.kind)  # type: ignore[arg-type]
        summary = reaction_summary_of(viewer, post=post)
    return {
        "active": active,
        "counts": {kind: summary.counts.get(kind, 0) for kind in REACTION_KINDS},
        "my_reactions": sorted(summary.mine),
    }


@router.get(
    "/posts/{post_id}/reactions",
    response=responses({200: ReactorsOut}),
    summary="Who reacted to a post",
)
def list_reactions(request: HttpRequest, post_id: Id) -> dict[str, Any]:
    """Counts are totals; the people listed are those you can see (at most 500)."""
    viewer = api_viewer(request)
    post = _hydrated(viewer, access_post_by_id(viewer, post_id))
    people = reactors_of(viewer, post=post)
    return {
        "counts": post_json(post)["reactions"],
        "results": [
            {"kind": kind, "person": person_ref(person)}
            for kind in REACTION_KINDS
            for person in people[kind]
        ],
    }


@router.post(
    "/posts/{post_id}/accept", response=responses({200: PostOut}), summary="Accept an answer"
)
def accept_answer(request: HttpRequest, post_id: Id, payload: AcceptIn) -> dict[str, Any]:
    """The asker or a moderator of the question's group; ``comment_id: null`` clears it."""
    viewer = api_viewer(request)
    post = access_post_by_id(viewer, post_id)
    comment = access_comment_by_id(viewer, payload.comment_id) if payload.comment_id else None
    do_accept_answer(actor=viewer.user, post=post, comment=comment)  # type: ignore[arg-type]
    return post_json(_hydrated(viewer, post))


@router.post(
    "/posts/{post_id}/votes",
    response=responses({200: PollOut}, conflict=True),
    summary="Vote in a poll",
)
def vote(request: HttpRequest, post_id: Id, payload: VoteIn) -> dict[str, Any]:
    """Replaces your earlier vote. A closed poll answers 409."""
    viewer = api_viewer(request)
    post = access_post_by_id(viewer, post_id)
    do_vote(actor=viewer.user, post=post, option_ids=payload.option_ids)  # type: ignore[arg-type]
    poll = _poll_json(_hydrated(viewer, post).poll_data)  # type: ignore[attr-defined]
    if poll is None:
        raise ActionError("This post has no poll.", field="option_ids")
    return poll


# --- files ----------------------------------------------------------------------------------
@router.post(
    "/files",
    response=responses({201: FileOut, 413: ErrorOut, 415: ErrorOut}),
    summary="Upload a file to attach",
)
def upload_file(request: HttpRequest, file: File[UploadedFile]) -> Status:
    """Multipart field ``file``. Images (JPEG, PNG, GIF, WebP), PDF, Office documents,
    text, CSV or ZIP, recognised by content; 20 MB at most. Only you can see it until you
    pass its id in ``attachment_ids`` when creating a post."""
    attachment = do_upload_attachment(uploader=_user(request), upload=file)
    return Status(201, file_json(attachment))


@router.get("/files/{file_id}", response=responses({200: FileOut}), summary="A file")
def get_file(request: HttpRequest, file_id: Id) -> dict[str, Any]:
    viewer = api_viewer(request)
    return file_json(access_attachment_by_id(viewer, file_id))


# --- mentions -------------------------------------------------------------------------------
@router.get("/mentions", response=responses({200: MentionList}), summary="Who can be mentioned")
def mentions(request: HttpRequest, params: Query[MentionParams]) -> dict[str, Any]:
    """At most ten people who can read the container (``group_id``, ``company_id`` or the
    network) and whom you can see, matching ``q``."""
    viewer = api_viewer(request)
    group = access_group_by_id(viewer, params.group_id) if params.group_id else None
    company = access_company_by_id(viewer, params.company_id) if params.company_id else None
    if group is not None and company is not None:
        raise ActionError("Give group_id or company_id, not both.", field="company_id")
    if not can_post_to(viewer, group=group, company=company):
        raise PermissionDenied("You cannot post here.")
    people = search_mention_candidates(viewer, audience_for(group=group, company=company), params.q)
    return {
        "results": [
            {**person_ref(person), "markup": mention_markup(name=person.name, user_id=person.pk)}
            for person in people
        ]
    }


__all__ = ["PostOut", "PostPage", "file_json", "post_json", "router"]
