"""Writes for moderation: report, and decide a report (hide, restore, delete, warn, dismiss).

Hiding reuses the permission layer as the content policy's "hold" does (ADR 0011, 0014): the
content, its topic tags, its comments and its files get the label ``user:<author>``, so every
read path (pages, API, feeds, search, notifications, digests, files, events) stops showing it
to anyone but its author at once; the queue shows it to those who decide. Every action is
audited in its transaction; reporters and authors learn the outcome through a ``Notice``
that never names the reporter.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hallway.accounts.models import User
from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import user_label, viewer_for
from hallway.moderation.access import can_decide_report, can_report
from hallway.moderation.models import Notice, Report
from hallway.posts.access import audience_for, can_delete_comment, can_delete_post
from hallway.posts.models import Attachment, Comment, Post, PostTopic
from hallway.search import sync as search_sync

MAX_DETAILS = 1000
DECISIONS = ("hide", "restore", "delete", "warn", "dismiss")


def do_report(
    *,
    reporter: User,
    post: Post,
    comment: Comment | None = None,
    reason: str,
    details: str = "",
) -> Report:
    """Report a post, or a comment on it (both resolved through the permission layer).
    One open report per person and content; the author is never told who reported."""
    viewer = viewer_for(reporter)
    if not can_report(viewer, post=post, comment=comment):
        raise PermissionDenied("You cannot report your own content.")
    if reason not in Report.Reason.values:
        raise ActionError("Choose a reason.", field="reason")
    details = (details or "").replace("\x00", "").strip()
    if len(details) > MAX_DETAILS:
        raise ActionError(f"Keep the details under {MAX_DETAILS} characters.", field="details")
    if reason == Report.Reason.OTHER and not details:
        raise ActionError("Tell the moderators what is wrong.", field="details")
    author_id = comment.author_id if comment is not None else post.author_id
    with transaction.atomic():
        already = Report.objects.filter(
            reporter=reporter, post=post, comment=comment, state=Report.State.OPEN
        ).exists()
        if already:
            raise ActionError(
                "You already reported this; the moderators will look at it.", status=409
            )
        report = Report.objects.create(
            reporter=reporter,
            author_id=author_id,
            post=post,
            comment=comment,
            group_id=post.group_id,
            reason=reason,
            details=details,
        )
        record_audit_event(
            actor=reporter,
            action="moderation.report",
            target=comment or post,
            report_id=report.pk,
            reason=reason,
            author_id=author_id,
        )
    return report


# --- hiding and restoring (the permission labels) ---------------------------------------------
def hide_post(post: Post) -> dict[str, object]:
    """Label a post, its topic tags, comments and files ``user:<author>``; returns what was
    relabelled. Inside the caller's transaction."""
    shown = post.audience
    hidden = user_label(post.author_id)
    comment_ids = list(
        Comment.objects.filter(post=post, audience=shown).values_list("pk", flat=True)
    )
    file_ids = list(
        Attachment.objects.filter(Q(post=post) | Q(comment__post=post), audience=shown).values_list(
            "pk", flat=True
        )
    )
    Post.objects.filter(pk=post.pk).update(audience=hidden)
    post.audience = hidden
    PostTopic.objects.filter(post=post, audience=shown).update(audience=hidden)
    Comment.objects.filter(pk__in=comment_ids).update(audience=hidden)
    Attachment.objects.filter(pk__in=file_ids).update(audience=hidden)
    search_sync.remove_post(post.pk)
    return {"comments": comment_ids, "files": file_ids}


def restore_post(post: Post, hidden_ids: dict[str, object]) -> None:
    """Give a hidden post and what was hidden with it the container's current label."""
    hidden = post.audience
    shown = audience_for(group=post.group, company=post.company)
    Post.objects.filter(pk=post.pk).update(audience=shown)
    post.audience = shown
    PostTopic.objects.filter(post=post, audience=hidden).update(audience=shown)
    Comment.objects.filter(
        pk__in=list(hidden_ids.get("comments", [])),  # type: ignore[call-overload]
        audience=hidden,
    ).update(audience=shown)
    Attachment.objects.filter(
        pk__in=list(hidden_ids.get("files", [])),  # type: ignore[call-overload]
        audience=hidden,
    ).update(audience=shown)
    search_sync.schedule_post(post.pk)
    for comment_id in hidden_ids.get("comments", []):  # type: ignore[attr-defined]
        search_sync.schedule_comment(comment_id)


def hide_comment(comment: Comment) -> dict[str, object]:
    shown = comment.audience
    hidden = user_label(comment.author_id)
    file_ids = list(
        Attachment.objects.filter(comment=comment, audience=shown).values_list("pk", flat=True)
    )
    Comment.objects.filter(pk=comment.pk).update(audience=hidden)
    comment.audience = hidden
    Attachment.objects.filter(pk__in=file_ids).update(audience=hidden)
    Post.objects.filter(pk=comment.post_id, comment_count__gt=0).update(
        comment_count=F("comment_count") - 1
    )
    search_sync.remove_comments([comment.pk])
    return {"files": file_ids}


def restore_comment(comment: Comment, hidden_ids: dict[str, object]) -> None:
    hidden = comment.audience
    shown = Post.objects.filter(pk=comment.post_id).values_list("audience", flat=True).get()
    Comment.objects.filter(pk=comment.pk).update(audience=shown)
    comment.audience = shown
    Attachment.objects.filter(
        pk__in=list(hidden_ids.get("files", [])),  # type: ignore[call-overload]
        audience=hidden,
    ).update(audience=shown)
    Post.objects.filter(pk=comment.post_id).update(comment_count=F("comment_count") + 1)
    search_sync.schedule_comment(comment.pk)


# --- decisions --------------------------------------------------------------------------------
_OUTCOME = {
    "hide": "it was hidden",
    "restore": "it is visible again",
    "delete": "it was removed",
    "warn": "its author was warned",
    "dismiss": "no action was needed",
}
_STATE = {
    "hide": Report.State.HIDDEN,
    "restore": Report.State.RESTORED,
    "delete": Report.State.DELETED,
    "warn": Report.State.WARNED,
    "dismiss": Report.State.DISMISSED,
}


def _same_content(report: Report) -> Q:
    return Q(post_id=report.post_id, comment_id=report.comment_id)


def do_decide_report(
    *, actor: User, report: Report, decision: str, note: str = "", message: str = ""
) -> Report:
    """Act on a report (resolved through ``access_report_by_id``): the decision closes every
    open report about the same content. ``hide`` and ``restore`` relabel the content,
    ``delete`` uses the posts app's delete, ``warn`` sends the author ``message``,
    ``dismiss`` changes nothing. Reporters and the author get a notice; the author's never
    names a reporter."""
    viewer = viewer_for(actor)
    if not can_decide_report(viewer, report):
        raise PermissionDenied("Only this content's moderators and compliance officers decide.")
    if decision not in DECISIONS:
        raise ActionError("Choose hide, restore, delete, warn or dismiss.", field="decision")
    note = (note or "").replace("\x00", "").strip()[:MAX_DETAILS]
    message = (message or "").replace("\x00", "").strip()
    if decision == "warn" and not message:
        raise ActionError("Write the warning the author will read.", field="message")
    if len(message) > MAX_DETAILS:
        raise ActionError(f"Keep the message under {MAX_DETAILS} characters.", field="message")
    post, comment = report.post, report.comment
    what = "comment" if comment is not None else "post"
    target = comment if comment is not None else post
    with transaction.atomic():
        deleted = post.deleted_at is not None or (comment is not None and comment.deleted_at)
        hidden_now = Report.objects.filter(_same_content(report), state=Report.State.HIDDEN)
        if decision == "restore":
            latest = hidden_now.order_by("-decided_at", "-id").first()
            if latest is None or deleted:
                raise ActionError(f"This {what} is not hidden.", status=409)
            if comment is not None:
                restore_comment(comment, latest.hidden_ids)
            else:
                restore_post(post, latest.hidden_ids)
            closing = hidden_now
        elif decision == "delete" and report.state == Report.State.HIDDEN:
            closing = hidden_now  # a hidden post or comment removed for good
        else:
            closing = Report.objects.filter(_same_content(report), state=Report.State.OPEN)
            if report.state != Report.State.OPEN:
                raise ActionError("This report was already decided.", status=409)
            if decision in {"hide", "delete"} and deleted:
                raise ActionError(f"This {what} was already deleted.", status=409)
            if decision == "hide" and hidden_now.exists():
                raise ActionError(f"This {what} is already hidden.", status=409)
        hidden_ids: dict[str, object] = {}
        if decision == "hide":
            hidden_ids = hide_comment(comment) if comment is not None else hide_post(post)
        elif decision == "delete":
            _delete(actor, post=post, comment=comment)
        reporter_ids = list(closing.values_list("reporter_id", flat=True).distinct())
        report_ids = list(closing.values_list("pk", flat=True))
        now = timezone.now()
        update: dict[str, object] = {
            "state": _STATE[decision],
            "decided_at": now,
            "decided_by": actor,
            "decision_note": note,
        }
        if decision == "hide":
            update["hidden_ids"] = hidden_ids
        Report.objects.filter(pk__in=report_ids).update(**update)
        report.refresh_from_db()
        record_audit_event(
            actor=actor,
            action=f"moderation.{decision}",
            target=target,
            report_ids=report_ids,
            author_id=report.author_id,
            note=note,
        )
        _tell(decision, report=report, what=what, reporter_ids=reporter_ids, message=message)
    return report


def _delete(actor: User, *, post: Post, comment: Comment | None) -> None:
    from hallway.posts.actions import do_delete_comment, do_delete_post

    viewer = viewer_for(actor)
    if comment is not None:
        if not can_delete_comment(viewer, comment):
            raise PermissionDenied("Only the group's moderators can delete this; hide it instead.")
        do_delete_comment(actor=actor, comment=comment)
    else:
        if not can_delete_post(viewer, post):
            raise PermissionDenied("Only the group's moderators can delete this; hide it instead.")
        do_delete_post(actor=actor, post=post)


def _tell(
    decision: str, *, report: Report, what: str, reporter_ids: list[int], message: str
) -> None:
    post_id = report.post_id if decision != "delete" else None
    notices = [
        Notice(
            recipient_id=reporter_id,
            kind=Notice.Kind.REPORT_DECIDED,
            text=f"Your report about a {what} was reviewed: {_OUTCOME[decision]}.",
        )
        for reporter_id in reporter_ids
        if decision != "restore"
    ]
    for_author = {
        "hide": (Notice.Kind.CONTENT_HIDDEN, f"Your {what} was hidden after a report."),
        "restore": (Notice.Kind.CONTENT_RESTORED, f"Your {what} is visible again."),
        "delete": (Notice.Kind.CONTENT_DELETED, f"Your {what} was removed after a report."),
        "warn": (Notice.Kind.WARNING, f"A moderator wrote about your {what}: {message}"),
    }
    if decision in for_author:
        kind, text = for_author[decision]
        notices.append(Notice(recipient_id=report.author_id, kind=kind, text=text, post_id=post_id))
    Notice.objects.bulk_create(notices)
