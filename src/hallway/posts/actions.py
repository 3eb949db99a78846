"""Writes for posts, comments, reactions, polls and attachments.

Every action checks its input completely before writing anything, writes in one transaction,
and raises ``ActionError`` (with the field at fault) or ``PermissionDenied``. Deletes by
someone other than the author are audited. After commit, a post's first link is queued for
a preview fetch and the feed is told about new posts (``feed.fanout.on_post_created``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone

from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.events import publish_to_audience
from hallway.core.markdown import extract_topics, render_markdown
from hallway.core.permissions import Viewer, user_label, viewer_for
from hallway.core.tasks import enqueue
from hallway.feed.fanout import on_post_created
from hallway.groups.access import people_who_can_read
from hallway.groups.models import Group
from hallway.notifications.triggers import notify
from hallway.policy.checks import Outcome, check_content
from hallway.policy.engine import Target
from hallway.policy.files import (
    UnreadableFileError,
    extract_text,
    is_checked,
    needs_background_scan,
)
from hallway.posts.access import (
    audience_for,
    can_accept_answer,
    can_announce,
    can_comment_on_post,
    can_delete_comment,
    can_delete_post,
    can_edit_comment,
    can_edit_post,
    can_post_to,
)
from hallway.posts.files import check_upload, clean_file_name, download_name
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
from hallway.posts.selectors import check_mentions
from hallway.posts.tasks import fetch_link_preview
from hallway.profiles.access import people_visible_to
from hallway.profiles.actions import topic_for_name
from hallway.search import sync as search_sync
from hallway.webhooks.triggers import emit_webhook_event

MAX_BODY = 20000
MAX_COMMENT = 10000
MAX_TITLE = 200
MAX_TOPICS = 20
MAX_ATTACHMENTS = 10
MIN_POLL_OPTIONS, MAX_POLL_OPTIONS = 2, 10
MAX_PRAISED = 10
DELETED_AUDIENCE = "deleted"
URL_RE = re.compile(r"https?://[^\s<>()\[\]\"'`]+", re.IGNORECASE)


# --- checks shared by posts and comments ----------------------------------------------------
def _clean_body(body: str, *, limit: int, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise ActionError("Write something first.", field=field)
    if len(body) > limit:
        raise ActionError(f"Keep it under {limit} characters.", field=field)
    if "\x00" in body:
        raise ActionError("The text contains a character Hallway cannot store.", field=field)
    return body


def _checked_mentions(viewer: Viewer, body: str, audience: str) -> dict[int, str]:
    """The people a text may mention (id → name), or ActionError naming who may not."""
    check = check_mentions(viewer, body, audience)
    if check.refused:
        names = ", ".join(person.name for person in check.refused)
        raise ActionError(
            f"{names} cannot see this {_container_word(audience)}, so you cannot mention "
            f"{'them' if len(check.refused) > 1 else 'this person'} here. "
            "Remove the mention or post somewhere they can read.",
            field="body",
        )
    if check.unknown_ids:
        raise ActionError(
            "You mentioned someone who does not exist or whom you cannot see.", field="body"
        )
    return {person.pk: person.name for person in check.allowed}


def _container_word(audience: str) -> str:
    if audience.startswith("group:"):
        return "group"
    return "post"


def _topic_names(body: str, extra: Iterable[str]) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    for name in [*extract_topics(body), *extra]:
        label = str(name).strip().lstrip("#").strip()
        key = label.lower()
        if label and key not in seen:
            seen.add(key)
            names.append(label[:100])
    if len(names) > MAX_TOPICS:
        raise ActionError(f"Use at most {MAX_TOPICS} topics.", field="topics")
    return names


def _first_link(body: str) -> str | None:
    match = URL_RE.search(body)
    if match is None:
        return None
    return match.group(0).rstrip(".,;:!?")[:2000]


def _set_topics(post: Post, names: Sequence[str]) -> None:
    PostTopic.objects.filter(post=post).delete()
    topics = {topic.pk: topic for topic in (topic_for_name(name) for name in names)}
    PostTopic.objects.bulk_create(
        [PostTopic(post=post, topic_id=pk, audience=post.audience) for pk in topics]
    )


def _store_upload(uploader: User, upload: UploadedFile, *, audience: str) -> Attachment:
    sniffed = check_upload(upload)
    name = download_name(upload.name or "file", sniffed.extension)
    upload.seek(0)
    attachment = Attachment(
        uploader=uploader,
        audience=audience,
        name=name,
        content_type=sniffed.content_type,
        size=upload.size or 0,
        is_image=sniffed.is_image,
    )
    attachment.file.save(f"{timezone.now():%Y%m%d%H%M%S}{sniffed.extension}", upload, save=False)
    attachment.save()
    return attachment


def _pending_attachments(uploader: User, attachment_ids: Sequence[int]) -> list[Attachment]:
    ids = list(dict.fromkeys(int(pk) for pk in attachment_ids))
    if not ids:
        return []
    found = list(
        Attachment.objects.filter(
            pk__in=ids, uploader=uploader, post__isnull=True, comment__isnull=True
        )
    )
    if len(found) != len(ids):
        raise ActionError(
            "Some attachments do not exist, are not yours, or are already attached elsewhere.",
            field="attachment_ids",
        )
    return found


def _enqueue_preview(post: Post) -> None:
    url = _first_link(post.body)
    if url is not None:
        enqueue(fetch_link_preview, idempotency_key=f"preview:{post.pk}:{url}", post_id=post.pk)


# --- posts ----------------------------------------------------------------------------------
def relabel_group_content(*, group: Group, old_label: str) -> None:
    """Give a group's posts, comments, files and topic tags the group's current label.

    Called inside the transaction that changed the group's visibility or guest admission
    (ADR 0004): the content of a public group without guests is labelled ``network``, other
    groups' ``group:<id>``. Deleted content keeps its ``deleted`` label.
    """
    new_label = group.label
    posts = Post.objects.filter(group=group)
    posts.filter(audience=old_label).update(audience=new_label)
    Comment.objects.filter(post__in=posts, audience=old_label).update(audience=new_label)
    PostTopic.objects.filter(post__in=posts, audience=old_label).update(audience=new_label)
    Attachment.objects.filter(
        Q(post__in=posts) | Q(comment__post__in=posts), audience=old_label
    ).update(audience=new_label)
    search_sync.relabel_group(group_id=group.pk, old_label=old_label, new_label=new_label)


def do_create_post(
    *,
    author: User,
    body: str,
    title: str = "",
    kind: str = Post.Kind.UPDATE,
    group: Group | None = None,
    company: Company | None = None,
    topics: Iterable[str] = (),
    attachment_ids: Sequence[int] = (),
    uploads: Sequence[UploadedFile] = (),
    poll_options: Sequence[str] = (),
    poll_multiple: bool = False,
    poll_closes_at: datetime | None = None,
    praised_ids: Sequence[int] | None = None,
    pinned_until: datetime | None = None,
    policy_justification: str | None = None,
    policy_confirmation: str | None = None,
) -> Post:
    """Publish a post in a group, on the network stream (neither), or on a company's internal
    side. Everything is checked before anything is written:

    - the author may post there (``can_post_to``: members only outside groups);
    - every @mention names someone who can read the container (else an error naming them);
    - announcements only for ``can_announce``, with an optional future ``pinned_until``;
    - polls have 2–10 distinct options and an optional future closing time;
    - praise is for 1–10 people who can read the container (by default, those mentioned);
    - attachments are the author's own unattached uploads, plus new ``uploads``;
    - the content policy (``hallway.policy``) passes the text, poll options and file text:
      it may block (``PolicyBlocked``), ask for ``policy_justification`` (``PolicyWarning``),
      mask what matched, or hold the post for review (then only its author reads it).
    """
    if group is not None and company is not None:
        raise ActionError("A post lives in a group or on a company page, not both.")
    viewer = viewer_for(author)
    if not can_post_to(viewer, group=group, company=company):
        raise PermissionDenied(
            "You cannot post here."
            if group is None
            else "Only active members can post in this group."
        )
    body = _clean_body(body, limit=MAX_BODY)
    title = (title or "").strip()
    if len(title) > MAX_TITLE:
        raise ActionError(f"Keep the title under {MAX_TITLE} characters.", field="title")
    if kind not in Post.Kind.values:
        raise ActionError("Choose update, question, announcement, praise or poll.", field="kind")
    now = timezone.now()
    audience = audience_for(group=group, company=company)
    people = _checked_mentions(viewer, body, audience)
    topic_names = _topic_names(body, topics)

    if kind == Post.Kind.ANNOUNCEMENT:
        if not can_announce(viewer):
            raise PermissionDenied("Only network admins and designated leaders can announce.")
        if pinned_until is not None and pinned_until <= now:
            raise ActionError("Choose a pinning time in the future.", field="pinned_until")
    elif pinned_until is not None:
        raise ActionError("Only announcements can be pinned.", field="pinned_until")

    options = [str(text).strip() for text in poll_options if str(text).strip()]
    if kind == Post.Kind.POLL:
        if not MIN_POLL_OPTIONS <= len(options) <= MAX_POLL_OPTIONS:
            raise ActionError("A poll needs 2 to 10 options.", field="poll_options")
        if any(len(text) > 200 for text in options):
            raise ActionError("Keep each option under 200 characters.", field="poll_options")
        if len({text.lower() for text in options}) != len(options):
            raise ActionError("Each poll option must be different.", field="poll_options")
        if poll_closes_at is not None and poll_closes_at <= now:
            raise ActionError("Choose a closing time in the future.", field="poll_closes_at")
    elif options or poll_closes_at is not None:
        raise ActionError("Only polls have options.", field="poll_options")

    praised: list[User] = []
    if kind == Post.Kind.PRAISE:
        wanted = list(dict.fromkeys(praised_ids if praised_ids is not None else people))
        if not 1 <= len(wanted) <= MAX_PRAISED:
            raise ActionError(
                "Praise one to ten people (mention them in the text).", field="praised"
            )
        praised = list(
            people_visible_to(viewer).filter(
                pk__in=wanted, id__in=people_who_can_read(audience).values("pk")
            )
        )
        if len(praised) != len(wanted):
            raise ActionError("You can only praise people who can see this post.", field="praised")
    elif praised_ids:
        raise ActionError("Only praise posts name people to praise.", field="praised")

    pending = _pending_attachments(author, attachment_ids)
    if len(pending) + len(uploads) > MAX_ATTACHMENTS:
        raise ActionError(f"Attach at most {MAX_ATTACHMENTS} files.", field="attachment_ids")
    for upload in uploads:
        check_upload(upload)
    policy = _check_post_policy(
        author=author,
        title=title,
        body=body,
        options=options,
        files=[*pending, *uploads],
        target=Target.for_container(group=group, company=company),
        justification=policy_justification,
        confirmation=policy_confirmation,
    )
    title, body = policy.texts["title"], policy.texts["body"]
    options = [policy.texts[f"poll_option:{i}"] for i in range(len(options))]
    container_audience = audience
    if policy.held:
        audience = user_label(author.pk)  # only the author reads it until it is released

    with transaction.atomic():
        post = Post.objects.create(
            author=author,
            audience=audience,
            group=group,
            company=company,
            kind=kind,
            title=title,
            body=body,
            body_html=render_markdown(body, people=people),
            pinned_until=pinned_until if kind == Post.Kind.ANNOUNCEMENT else None,
        )
        if people:
            post.mentions.set(list(people))
        if praised:
            post.praised.set(praised)
        _set_topics(post, topic_names)
        if kind == Post.Kind.POLL:
            poll = Poll.objects.create(
                post=post, allows_multiple=poll_multiple, closes_at=poll_closes_at
            )
            PollOption.objects.bulk_create(
                [
                    PollOption(poll=poll, text=text, position=index)
                    for index, text in enumerate(options)
                ]
            )
        if pending:
            Attachment.objects.filter(pk__in=[a.pk for a in pending]).update(
                post=post, audience=audience
            )
        for upload in uploads:
            attachment = _store_upload(author, upload, audience=audience)
            attachment.post = post
            attachment.save(update_fields=["post"])
        policy.record(post=post, release_audience=container_audience)
        if not policy.held:
            _announce_post(post)
    return post


def _announce_post(post: Post) -> None:
    """The side effects of a published post: preview, feeds, notifications, live hint."""
    _enqueue_preview(post)
    post_id = post.pk
    transaction.on_commit(lambda: on_post_created(post_id))
    search_sync.schedule_post(post_id)
    notify("post_published", post_id=post_id, actor_id=post.author_id)
    # Live "new posts" hint to the streams of those who may read it (ids only).
    publish_to_audience(post.audience, "post", {"id": post_id})
    emit_webhook_event("post.created", post_id=post_id, group_id=post.group_id)


def _check_post_policy(
    *,
    author: User,
    title: str,
    body: str,
    options: Sequence[str],
    files: Sequence[Attachment | UploadedFile],
    target: Target,
    justification: str | None,
    confirmation: str | None,
) -> Outcome:
    """The content policy on a new post: its text, poll options and the text of its files
    (large PDFs are read after commit while the post is held; see hallway.policy.files)."""
    texts = {"title": title, "body": body}
    texts.update({f"poll_option:{i}": text for i, text in enumerate(options)})
    file_texts: dict[str, str] = {}
    scan_later = False
    for item in files:
        if isinstance(item, Attachment):
            name, size, content_type = item.name, item.size, item.content_type
        else:
            name, size = item.name or "file", item.size or 0
            content_type = check_upload(item).content_type
        if not is_checked(content_type):
            continue
        if needs_background_scan(content_type, size):
            scan_later = True
            continue
        try:
            if isinstance(item, Attachment):
                with item.file.open("rb") as opened:
                    file_texts[f"file:{name}"] = extract_text(opened, content_type)
            else:
                file_texts[f"file:{name}"] = extract_text(item, content_type)
                item.seek(0)
        except (UnreadableFileError, OSError):
            scan_later = True  # the background scan keeps it for a person to look at
    return check_content(
        author=author,
        subject="post",
        texts=texts,
        file_texts=file_texts,
        target=target,
        justification=justification,
        confirmation=confirmation,
        scan_files=scan_later,
    )


def release_held_post(*, post: Post) -> None:
    """Publish a held post (policy review or file scan): it, its files, topics and its
    author's own comments get the container's current label, then the side effects of a new
    post run. Called by hallway.policy.actions inside its transaction."""
    held = post.audience
    audience = audience_for(group=post.group, company=post.company)
    Post.objects.filter(pk=post.pk).update(audience=audience)
    post.audience = audience
    PostTopic.objects.filter(post=post, audience=held).update(audience=audience)
    Comment.objects.filter(post=post, audience=held).update(audience=audience)
    Attachment.objects.filter(Q(post=post) | Q(comment__post=post), audience=held).update(
        audience=audience
    )
    _announce_post(post)


def release_held_comment(*, comment: Comment) -> None:
    """Publish a held comment: the post's label, counted, notified."""
    audience = Post.objects.filter(pk=comment.post_id).values_list("audience", flat=True).get()
    Comment.objects.filter(pk=comment.pk).update(audience=audience)
    Attachment.objects.filter(comment=comment).update(audience=audience)
    comment.audience = audience
    Post.objects.filter(pk=comment.post_id).update(
        comment_count=F("comment_count") + 1, last_activity_at=timezone.now()
    )
    notify("comment_created", comment_id=comment.pk, actor_id=comment.author_id)
    search_sync.schedule_comment(comment.pk)
    _emit_answer(comment)


def do_edit_post(
    *,
    actor: User,
    post: Post,
    body: str,
    title: str | None = None,
    policy_justification: str | None = None,
    policy_confirmation: str | None = None,
) -> Post:
    """Change a post's text (its author only). The previous text is kept as a PostRevision;
    mentions and topics are recomputed and checked as for a new post, and so is the content
    policy (a hold rule blocks an edit: published text cannot wait for review)."""
    viewer = viewer_for(actor)
    if not can_edit_post(viewer, post):
        raise PermissionDenied("Only the author can edit a post.")
    body = _clean_body(body, limit=MAX_BODY)
    new_title = post.title if title is None else title.strip()
    if len(new_title) > MAX_TITLE:
        raise ActionError(f"Keep the title under {MAX_TITLE} characters.", field="title")
    people = _checked_mentions(viewer, body, post.audience)
    topic_names = _topic_names(body, [])
    if body == post.body and new_title == post.title:
        return post
    policy = check_content(
        author=actor,
        subject="post_edit",
        texts={"title": new_title, "body": body},
        target=Target.for_container(group=post.group, company=post.company),
        justification=policy_justification,
        confirmation=policy_confirmation,
        can_hold=False,
    )
    new_title, body = policy.texts["title"], policy.texts["body"]
    old_link = _first_link(post.body)
    with transaction.atomic():
        policy.record(post=post)
        PostRevision.objects.create(post=post, title=post.title, body=post.body, edited_by=actor)
        post.body = body
        post.title = new_title
        post.body_html = render_markdown(body, people=people)
        post.edited_at = timezone.now()
        post.save(update_fields=["body", "title", "body_html", "edited_at"])
        post.mentions.set(list(people))
        _set_topics(post, topic_names)
        if _first_link(body) != old_link:
            if _first_link(body) is None:
                Post.objects.filter(pk=post.pk).update(link_preview=None)
            _enqueue_preview(post)
        notify("post_edited", post_id=post.pk, actor_id=actor.pk)
        search_sync.schedule_post(post.pk)
    return post


def do_delete_post(*, actor: User, post: Post) -> None:
    """Soft-delete a post (author, group moderator, or a network admin outside groups). Its
    comments and files disappear with it; a delete by anyone but the author is audited."""
    viewer = viewer_for(actor)
    if not can_delete_post(viewer, post):
        raise PermissionDenied("You cannot delete this post.")
    with transaction.atomic():
        post.deleted_at = timezone.now()
        post.deleted_by = actor
        post.save(update_fields=["deleted_at", "deleted_by"])
        Attachment.objects.filter(post=post).update(audience=DELETED_AUDIENCE)
        Attachment.objects.filter(comment__post=post).update(audience=DELETED_AUDIENCE)
        PostTopic.objects.filter(post=post).update(audience=DELETED_AUDIENCE)
        search_sync.remove_post(post.pk)
        if post.author_id != actor.pk:
            record_audit_event(
                actor=actor,
                action="post.delete",
                target=post,
                author_id=post.author_id,
                audience=post.audience,
            )


def retire_posts_for_retention(post_ids: Sequence[int]) -> int:
    """Soft-delete posts whose retention period ended, exactly as ``do_delete_post`` does
    (comments and files go with them) but without an actor: the retention run audits the
    batch (hallway.retention). Returns how many posts were deleted."""
    with transaction.atomic():
        ids = list(
            Post.objects.filter(pk__in=post_ids, deleted_at__isnull=True).values_list(
                "pk", flat=True
            )
        )
        Post.objects.filter(pk__in=ids).update(deleted_at=timezone.now(), deleted_by=None)
        Attachment.objects.filter(post_id__in=ids).update(audience=DELETED_AUDIENCE)
        Attachment.objects.filter(comment__post_id__in=ids).update(audience=DELETED_AUDIENCE)
        PostTopic.objects.filter(post_id__in=ids).update(audience=DELETED_AUDIENCE)
        for post_id in ids:
            search_sync.remove_post(post_id)
    return len(ids)


def do_accept_answer(*, actor: User, post: Post, comment: Comment | None) -> Post:
    """Mark a comment as the accepted answer of a question (the asker or a group moderator);
    ``None`` clears it."""
    if post.kind != Post.Kind.QUESTION:
        raise ActionError("Only questions have an accepted answer.", field="comment_id")
    if not can_accept_answer(viewer_for(actor), post):
        raise PermissionDenied("Only the asker or a moderator can accept an answer.")
    if comment is not None and (comment.post_id != post.pk or comment.deleted_at is not None):
        raise ActionError("That comment is not an answer to this question.", field="comment_id")
    with transaction.atomic():
        post.accepted_answer = comment
        post.save(update_fields=["accepted_answer"])
        if comment is not None:
            notify("answer_accepted", comment_id=comment.pk, actor_id=actor.pk)
            emit_webhook_event(
                "answer.accepted",
                post_id=post.pk,
                comment_id=comment.pk,
                actor_id=actor.pk,
                group_id=post.group_id,
            )
        search_sync.schedule_post(post.pk)
    return post


def do_vote(*, actor: User, post: Post, option_ids: Sequence[int]) -> None:
    """Vote in a poll, replacing the voter's earlier choice. Closed polls refuse votes."""
    if actor is None or not actor.is_active:
        raise PermissionDenied("Sign in to vote.")
    poll = Poll.objects.filter(post=post).first()
    if poll is None or post.deleted_at is not None:
        raise ActionError("This post has no poll.", field="option_ids")
    if poll.closes_at is not None and poll.closes_at <= timezone.now():
        raise ActionError("This poll is closed.", field="option_ids", status=409)
    chosen = list(dict.fromkeys(int(pk) for pk in option_ids))
    if not chosen:
        raise ActionError("Choose an option.", field="option_ids")
    if len(chosen) > 1 and not poll.allows_multiple:
        raise ActionError("Choose only one option in this poll.", field="option_ids")
    options = list(PollOption.objects.filter(poll=poll, pk__in=chosen))
    if len(options) != len(chosen):
        raise ActionError("Choose among this poll's options.", field="option_ids")
    with transaction.atomic():
        previous = list(
            PollVote.objects.select_for_update()
            .filter(poll=poll, user=actor)
            .values_list("option_id", flat=True)
        )
        PollVote.objects.filter(poll=poll, user=actor).delete()
        if previous:
            PollOption.objects.filter(pk__in=previous).update(
                vote_count=Greatest(F("vote_count") - 1, 0)
            )
        PollVote.objects.bulk_create(
            [PollVote(poll=poll, option=option, user=actor) for option in options]
        )
        PollOption.objects.filter(pk__in=chosen).update(vote_count=F("vote_count") + 1)


# --- comments -------------------------------------------------------------------------------
def do_create_comment(
    *,
    author: User,
    post: Post,
    body: str,
    parent: Comment | None = None,
    policy_justification: str | None = None,
) -> Comment:
    """Comment on a post, or reply to a comment (a reply to a reply joins its top-level
    parent). Mentions are checked against the post's audience, the text against the content
    policy (a held comment is visible to its author only until released)."""
    viewer = viewer_for(author)
    if not can_comment_on_post(viewer, post):
        raise PermissionDenied("You cannot comment here.")
    body = _clean_body(body, limit=MAX_COMMENT)
    if parent is not None:
        if parent.post_id != post.pk or parent.deleted_at is not None:
            raise ActionError("You can only reply to a comment on this post.", field="parent")
        if parent.parent_id is not None:
            parent = Comment.objects.get(pk=parent.parent_id)
    people = _checked_mentions(viewer, body, post.audience)
    policy = check_content(
        author=author,
        subject="comment",
        texts={"body": body},
        target=Target.for_container(group=post.group, company=post.company),
        justification=policy_justification,
    )
    body = policy.texts["body"]
    now = timezone.now()
    with transaction.atomic():
        comment = Comment.objects.create(
            post=post,
            parent=parent,
            author=author,
            audience=user_label(author.pk) if policy.held else post.audience,
            body=body,
            body_html=render_markdown(body, people=people),
        )
        if people:
            comment.mentions.set(list(people))
        policy.record(post=post, comment=comment, release_audience=post.audience)
        if not policy.held:
            Post.objects.filter(pk=post.pk).update(
                comment_count=F("comment_count") + 1, last_activity_at=now
            )
            notify("comment_created", comment_id=comment.pk, actor_id=author.pk)
            search_sync.schedule_comment(comment.pk)
            _emit_answer(comment, post)
    return comment


def _emit_answer(comment: Comment, post: Post | None = None) -> None:
    """A top-level comment on a question is an answer (outgoing webhooks)."""
    post = post or Post.objects.only("kind", "group_id").get(pk=comment.post_id)
    if comment.parent_id is None and post.kind == Post.Kind.QUESTION:
        emit_webhook_event(
            "question.answered", post_id=post.pk, comment_id=comment.pk, group_id=post.group_id
        )


def do_edit_comment(
    *, actor: User, comment: Comment, body: str, policy_justification: str | None = None
) -> Comment:
    viewer = viewer_for(actor)
    if not can_edit_comment(viewer, comment):
        raise PermissionDenied("Only the author can edit a comment.")
    body = _clean_body(body, limit=MAX_COMMENT)
    people = _checked_mentions(viewer, body, comment.audience)
    post = comment.post
    policy = check_content(
        author=actor,
        subject="comment_edit",
        texts={"body": body},
        target=Target.for_container(group=post.group, company=post.company),
        justification=policy_justification,
        can_hold=False,
    )
    body = policy.texts["body"]
    with transaction.atomic():
        policy.record(post=post, comment=comment)
        comment.body = body
        comment.body_html = render_markdown(body, people=people)
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "body_html", "edited_at"])
        comment.mentions.set(list(people))
        notify("comment_edited", comment_id=comment.pk, actor_id=actor.pk)
        search_sync.schedule_comment(comment.pk)
    return comment


def do_delete_comment(*, actor: User, comment: Comment) -> None:
    """Soft-delete a comment and its replies (author, group moderator, or a network admin
    outside groups); audited when not by the author."""
    viewer = viewer_for(actor)
    if not can_delete_comment(viewer, comment):
        raise PermissionDenied("You cannot delete this comment.")
    now = timezone.now()
    with transaction.atomic():
        gone = Comment.objects.filter(deleted_at__isnull=True).filter(
            pk=comment.pk
        ) | Comment.objects.filter(deleted_at__isnull=True, parent=comment)
        ids = list(gone.values_list("pk", flat=True))
        Comment.objects.filter(pk__in=ids).update(deleted_at=now)
        Attachment.objects.filter(comment_id__in=ids).update(audience=DELETED_AUDIENCE)
        search_sync.remove_comments(ids)
        Post.objects.filter(pk=comment.post_id).update(
            comment_count=Greatest(F("comment_count") - len(ids), 0)
        )
        Post.objects.filter(pk=comment.post_id, accepted_answer_id__in=ids).update(
            accepted_answer=None
        )
        if comment.author_id != actor.pk:
            record_audit_event(
                actor=actor,
                action="comment.delete",
                target=comment,
                author_id=comment.author_id,
                post_id=comment.post_id,
            )
    comment.deleted_at = now


# --- reactions ------------------------------------------------------------------------------
def do_react(
    *, actor: User, kind: str, post: Post | None = None, comment: Comment | None = None
) -> bool:
    """Toggle one kind of reaction on a post or a comment the actor may read. Returns
    whether the reaction is now on."""
    if kind not in Reaction.Kind.values:
        raise ActionError("Choose like, celebrate, insightful or support.", field="kind")
    if (post is None) == (comment is None):
        raise ActionError("React to a post or a comment.")
    if actor is None or not actor.is_active:
        raise PermissionDenied("Sign in to react.")
    target: Any = Post.objects.filter(pk=post.pk) if post is not None else None
    if comment is not None:
        target = Comment.objects.filter(pk=comment.pk)
    with transaction.atomic():
        existing = Reaction.objects.filter(user=actor, kind=kind, post=post, comment=comment)
        if existing.exists():
            existing.delete()
            target.update(reaction_count=Greatest(F("reaction_count") - 1, 0))
            return False
        Reaction.objects.create(user=actor, kind=kind, post=post, comment=comment)
        target.update(reaction_count=F("reaction_count") + 1)
        notify(
            "reaction",
            actor_id=actor.pk,
            post_id=post.pk if post is not None else None,
            comment_id=comment.pk if comment is not None else None,
        )
        return True


# --- attachments ----------------------------------------------------------------------------
def do_upload_attachment(*, uploader: User, upload: UploadedFile) -> Attachment:
    """Store an upload for a post to come; only its uploader may see it until it is
    attached (label ``user:<id>``)."""
    if uploader is None or not uploader.is_active:
        raise PermissionDenied("Sign in to upload files.")
    upload.name = clean_file_name(upload.name or "file")
    with transaction.atomic():
        return _store_upload(uploader, upload, audience=user_label(uploader.pk))
