"""API of moderation (hallway.moderation, ADR 0014).

- ``POST /posts/{id}/reports`` and ``POST /comments/{id}/reports``: anyone who can read the
  content reports it (not its author; one open report per person and content).
- ``GET /moderation/reports``: the queue (403 for those without one); ``text`` is null
  where the caller may not read the content.
- ``POST /moderation/reports/{id}/decision``: hide, restore, delete, warn or dismiss.
- ``GET /moderation/notices``: what moderation told the caller (never who reported).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hallway.api.auth import api_viewer
from hallway.api.pagination import PageParams, page_by_newest
from hallway.api.schemas import Id, ShortText, Text, responses
from hallway.core.errors import PermissionDenied
from hallway.moderation.access import (
    access_report_by_id,
    can_see_moderation_queue,
    notices_visible_to,
)
from hallway.moderation.actions import do_decide_report, do_report
from hallway.moderation.selectors import QUEUE_STATES, queue_items, report_json, report_queue
from hallway.posts.access import access_comment_by_id, access_post_by_id

router = Router(tags=["moderation"])

Reason = Literal["spam", "harassment", "confidential", "inappropriate", "misinformation", "other"]
State = Literal["open", "hidden", "restored", "deleted", "warned", "dismissed"]


class ReportIn(Schema):
    reason: Reason
    details: Text = Field("", max_length=1000, description="Required for `other`.")


class ReportCreatedOut(Schema):
    id: int
    state: State


class ReportOut(Schema):
    id: int
    post_id: int
    comment_id: int | None
    group_id: int | None
    author_id: int
    reporter_id: int
    reason: Reason
    details: str
    state: State
    created_at: datetime
    decided_at: datetime | None
    decision_note: str
    text: str | None = Field(description="The content's text, null where you may not read it.")
    can_decide: bool


class ReportList(Schema):
    results: list[ReportOut]
    next: str | None


class QueueParams(PageParams):
    state: Literal["open", "hidden", "closed", "all"] = "open"


class DecisionIn(Schema):
    decision: Literal["hide", "restore", "delete", "warn", "dismiss"]
    note: ShortText = Field("", description="For the audit log.")
    message: Text = Field("", max_length=1000, description="The warning the author reads.")


class NoticeOut(Schema):
    id: int
    kind: str
    text: str
    post_id: int | None
    created_at: datetime


class NoticeList(Schema):
    results: list[NoticeOut]
    next: str | None


@router.post(
    "/posts/{post_id}/reports",
    response=responses({201: ReportCreatedOut}, conflict=True),
    summary="Report a post",
)
def report_post(request: HttpRequest, post_id: Id, payload: ReportIn) -> Status:
    viewer = api_viewer(request)
    post = access_post_by_id(viewer, post_id)
    report = do_report(
        reporter=viewer.user,  # type: ignore[arg-type]
        post=post,
        reason=payload.reason,
        details=payload.details,
    )
    return Status(201, {"id": report.pk, "state": report.state})


@router.post(
    "/comments/{comment_id}/reports",
    response=responses({201: ReportCreatedOut}, conflict=True),
    summary="Report a comment",
)
def report_comment(request: HttpRequest, comment_id: Id, payload: ReportIn) -> Status:
    viewer = api_viewer(request)
    comment = access_comment_by_id(viewer, comment_id)
    report = do_report(
        reporter=viewer.user,  # type: ignore[arg-type]
        post=comment.post,
        comment=comment,
        reason=payload.reason,
        details=payload.details,
    )
    return Status(201, {"id": report.pk, "state": report.state})


@router.get(
    "/moderation/reports", response=responses({200: ReportList}), summary="The moderation queue"
)
def list_reports(request: HttpRequest, params: Query[QueueParams]) -> dict[str, Any]:
    viewer = api_viewer(request)
    if not can_see_moderation_queue(viewer):
        raise PermissionDenied("Only moderators and compliance officers see reports.")
    state = params.state if params.state in QUEUE_STATES else "all"
    reports, cursor = page_by_newest(report_queue(viewer, state=state), params)
    return {"results": [report_json(i) for i in queue_items(viewer, reports)], "next": cursor}


@router.post(
    "/moderation/reports/{report_id}/decision",
    response=responses({200: ReportOut}, conflict=True),
    summary="Decide a report",
)
def decide_report(request: HttpRequest, report_id: Id, payload: DecisionIn) -> dict[str, Any]:
    viewer = api_viewer(request)
    report = access_report_by_id(viewer, report_id)
    report = do_decide_report(
        actor=viewer.user,  # type: ignore[arg-type]
        report=report,
        decision=payload.decision,
        note=payload.note,
        message=payload.message,
    )
    return report_json(queue_items(viewer, [report])[0])


@router.get(
    "/moderation/notices", response=responses({200: NoticeList}), summary="My moderation notices"
)
def list_notices(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    notices, cursor = page_by_newest(notices_visible_to(api_viewer(request)), params)
    return {
        "results": [
            {
                "id": n.pk,
                "kind": n.kind,
                "text": n.text,
                "post_id": n.post_id,
                "created_at": n.created_at,
            }
            for n in notices
        ],
        "next": cursor,
    }
