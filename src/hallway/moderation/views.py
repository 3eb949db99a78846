"""Pages: report a post or comment, the moderation queue and its decisions, and a person's
own notices and reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import request_viewer
from hallway.moderation.access import (
    access_report_by_id,
    can_report,
    can_see_moderation_queue,
    notices_visible_to,
    reports_filed_by,
)
from hallway.moderation.actions import do_decide_report, do_report
from hallway.moderation.forms import DecisionForm, ReportForm
from hallway.moderation.selectors import QUEUE_STATES, queue_items, report_queue
from hallway.posts.access import access_comment_by_id, access_post_by_id
from hallway.posts.models import Comment, Post

QUEUE_PAGE = 100


def _report_page(request: HttpRequest, *, post: Post, comment: Comment | None) -> HttpResponse:
    viewer = request_viewer(request)
    if not can_report(viewer, post=post, comment=comment):
        raise PermissionDenied("You cannot report your own content.")
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                do_report(
                    reporter=request.user,  # type: ignore[arg-type]
                    post=post,
                    comment=comment,
                    reason=form.cleaned_data["reason"],
                    details=form.cleaned_data["details"],
                )
            except ActionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, "Thank you. The moderators will look at it and tell you the outcome."
                )
                return redirect("post_detail", post_id=post.pk)
        status = 400
    return render(
        request,
        "moderation/report.html",
        {"form": form, "post": post, "comment": comment},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_post(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access_post_by_id(request_viewer(request), post_id)
    return _report_page(request, post=post, comment=None)


@login_required
@require_http_methods(["GET", "POST"])
def report_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = access_comment_by_id(request_viewer(request), comment_id)
    return _report_page(request, post=comment.post, comment=comment)


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    if not can_see_moderation_queue(viewer):
        raise PermissionDenied("Only moderators and compliance officers see reports.")
    state = request.GET.get("state", "open")
    if state not in QUEUE_STATES:
        state = "open"
    reports = list(report_queue(viewer, state=state)[:QUEUE_PAGE])
    return render(
        request,
        "moderation/queue.html",
        {"items": queue_items(viewer, reports), "state": state, "states": list(QUEUE_STATES)},
    )


@login_required
@require_POST
def decide(request: HttpRequest, report_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    report = access_report_by_id(viewer, report_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose hide, restore, delete, warn or dismiss.")
        return redirect("moderation_queue")
    try:
        do_decide_report(
            actor=request.user,  # type: ignore[arg-type]
            report=report,
            decision=form.cleaned_data["decision"],
            note=form.cleaned_data["note"],
            message=form.cleaned_data["message"],
        )
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Done: the reporters and the author were told.")
    return redirect("moderation_queue")


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """What moderation told me, and the reports I filed (with their outcome)."""
    viewer = request_viewer(request)
    return render(
        request,
        "moderation/mine.html",
        {
            "notices": list(notices_visible_to(viewer)[:100]),
            "reports": list(reports_filed_by(viewer)[:100]),
        },
    )
