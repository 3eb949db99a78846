"""Reads for the moderation pages and API, with their prefetches (a bounded number of
queries whatever the list's length)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.html import strip_tags
from django.utils.text import Truncator

from hallway.core.permissions import Viewer
from hallway.moderation.access import (
    can_decide_report,
    can_read_reported_content,
    reports_visible_to,
)
from hallway.moderation.models import Report

QUEUE_STATES = {
    "open": [Report.State.OPEN],
    "hidden": [Report.State.HIDDEN],
    "closed": [
        Report.State.RESTORED,
        Report.State.DELETED,
        Report.State.WARNED,
        Report.State.DISMISSED,
    ],
}


def report_queue(viewer: Viewer, *, state: str = "open") -> QuerySet[Report]:
    reports = reports_visible_to(viewer)
    if state in QUEUE_STATES:
        reports = reports.filter(state__in=QUEUE_STATES[state])
    return reports.select_related(
        "post", "post__group", "post__company", "comment", "author", "reporter", "group"
    ).order_by("-id")


@dataclass
class QueueItem:
    """A report as the queue shows it to this viewer: the text only to those who may read
    it, the actions only to those who decide."""

    report: Report
    text: str | None
    can_decide: bool
    can_delete: bool

    @property
    def pk(self) -> int:
        return self.report.pk


def _may_delete(viewer: Viewer, report: Report) -> bool:
    """The rule of posts.access.can_delete_post/comment for someone else's content, from the
    viewer's memberships (no query per row); the delete itself checks again."""
    if report.group_id is None:
        return viewer.is_network_admin
    return viewer.active_memberships.get(report.group_id) in {"owner", "moderator"}


def queue_items(viewer: Viewer, reports: list[Report]) -> list[QueueItem]:
    items = []
    for report in reports:
        readable = can_read_reported_content(viewer, report)
        deciding = can_decide_report(viewer, report)
        text = None
        if readable:
            source = report.comment if report.comment is not None else report.post
            text = Truncator(" ".join(strip_tags(source.body_html).split())).chars(600)
        deletable = deciding and report.state in {"open", "hidden"} and _may_delete(viewer, report)
        items.append(QueueItem(report=report, text=text, can_decide=deciding, can_delete=deletable))
    return items


def report_json(item: QueueItem) -> dict[str, Any]:
    report = item.report
    return {
        "id": report.pk,
        "post_id": report.post_id,
        "comment_id": report.comment_id,
        "group_id": report.group_id,
        "author_id": report.author_id,
        "reporter_id": report.reporter_id,
        "reason": report.reason,
        "details": report.details,
        "state": report.state,
        "created_at": report.created_at,
        "decided_at": report.decided_at,
        "decision_note": report.decision_note,
        "text": item.text,
        "can_decide": item.can_decide,
    }
