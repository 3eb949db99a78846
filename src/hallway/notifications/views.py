"""Notification pages: the list, the badge, opening one, preferences, unsubscribe."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hallway.core.cursors import BadCursor
from hallway.core.errors import ActionError
from hallway.core.permissions import request_viewer
from hallway.groups.access import access_group_by_id
from hallway.notifications.access import UNREAD_CAP, access_notification_by_id, unread_count
from hallway.notifications.actions import (
    do_mark_all_read,
    do_mark_read,
    do_mute_thread,
    do_set_digest_frequency,
    do_set_group_notifications,
    do_set_kind_channels,
    do_unmute_thread,
    do_unsubscribe,
)
from hallway.notifications.emails import read_unsubscribe_token, unsubscribe_label
from hallway.notifications.models import Channel, DigestFrequency, Kind
from hallway.notifications.render import render_notification
from hallway.notifications.selectors import NotificationPage, notification_page, preferences_of
from hallway.posts.access import access_post_by_id

PAGE_SIZE = 20


def _badge(request: HttpRequest) -> HttpResponse:
    count = unread_count(request_viewer(request))
    return render(
        request,
        "notifications/_badge.html",
        {"unread": count, "capped": count > UNREAD_CAP, "shown": min(count, UNREAD_CAP)},
    )


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    kind = request.GET.get("kind") or None
    if kind not in (None, *Kind.values):
        kind = None
    unread_only = request.GET.get("unread") in {"1", "true", "on"}
    status = 200
    try:
        page = notification_page(
            viewer,
            kind=kind,
            unread_only=unread_only,
            cursor=request.GET.get("cursor") or None,
            limit=PAGE_SIZE,
        )
    except BadCursor:
        page, status = NotificationPage(results=[], next_cursor=None), 400
    context = {
        "page": page,
        "kind": kind or "",
        "unread_only": unread_only,
        "kinds": Kind.choices,
        "unread": unread_count(viewer),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and request.GET.get("cursor"):
        return render(request, "notifications/_items.html", context, status=status)
    return render(request, "notifications/list.html", context, status=status)


@login_required
@require_GET
def notification_unread_count(request: HttpRequest) -> HttpResponse:
    """The navigation badge, refetched on ``hallway:unread`` (server-sent event)."""
    return _badge(request)


@login_required
@require_GET
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Opening a notification marks it read and goes to what it is about."""
    viewer = request_viewer(request)
    notification = access_notification_by_id(viewer, notification_id)
    do_mark_read(viewer=viewer, notification=notification)
    return redirect(render_notification(notification).url)


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    notification = access_notification_by_id(viewer, notification_id)
    do_mark_read(viewer=viewer, notification=notification)
    if getattr(request, "htmx", None):
        return render(
            request, "notifications/_item.html", {"item": render_notification(notification)}
        )
    return redirect("notification_list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    assert viewer.user is not None
    marked = do_mark_all_read(user=viewer.user)
    messages.success(request, f"Marked {marked} notification{'s' if marked != 1 else ''} read.")
    return redirect("notification_list")


@login_required
@require_POST
def thread_mute(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = request_viewer(request)
    assert viewer.user is not None
    post = access_post_by_id(viewer, post_id)
    if request.POST.get("undo"):
        do_unmute_thread(user=viewer.user, post=post)
        messages.success(request, "You will be notified about this post again.")
    else:
        do_mute_thread(user=viewer.user, post=post)
        messages.success(request, "You will not be notified about this post any more.")
    back = "preferences" if request.POST.get("next") == "preferences" else "list"
    return redirect(f"notification_{back}")


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    viewer = request_viewer(request)
    assert viewer.user is not None
    if request.method == "POST":
        try:
            _save_preferences(request)
        except ActionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Notification preferences saved.")
        return redirect("notification_preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "prefs": preferences_of(viewer),
            "kinds": Kind.choices,
            "channels": Channel.choices,
            "never_emailed": ["reaction"],
            "digest_choices": DigestFrequency.choices,
        },
    )


def _save_preferences(request: HttpRequest) -> None:
    viewer = request_viewer(request)
    assert viewer.user is not None
    channels = {
        kind: request.POST[f"kind-{kind}"]
        for kind in Kind.values
        if request.POST.get(f"kind-{kind}")
    }
    do_set_kind_channels(user=viewer.user, channels=channels)
    if request.POST.get("digest"):
        do_set_digest_frequency(user=viewer.user, frequency=request.POST["digest"])
    for raw in request.POST.getlist("group"):
        if not raw.isdigit():
            continue
        group = access_group_by_id(viewer, int(raw))
        do_set_group_notifications(
            user=viewer.user,
            group=group,
            channel=request.POST.get(f"group-{raw}-channel", ""),
            follow_closely=request.POST.get(f"group-{raw}-close") == "on",
        )


@csrf_exempt  # RFC 8058: mail clients POST without a session or a CSRF token
@require_http_methods(["GET", "POST"])
def notification_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page to confirm; POST: unsubscribe from one kind's emails, no sign-in needed."""
    decoded = read_unsubscribe_token(token)
    if decoded is None:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    kind_label = unsubscribe_label(decoded[1])
    if request.method == "POST":
        try:
            do_unsubscribe(token=token)
        except ActionError:
            return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
        return render(
            request, "notifications/unsubscribe.html", {"done": True, "kind_label": kind_label}
        )
    return render(
        request, "notifications/unsubscribe.html", {"token": token, "kind_label": kind_label}
    )
