"""Webhook pages (network admins and group owners) and the incoming-webhook endpoint."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import request_viewer
from hallway.groups.access import access_group_by_id
from hallway.webhooks import actions
from hallway.webhooks.access import (
    access_incoming_webhook_by_id,
    access_incoming_webhook_by_token,
    access_webhook_by_id,
    can_allow_confidential_text,
    can_create_network_webhooks,
    can_manage_group_webhooks,
    incoming_webhooks_visible_to,
    manageable_groups,
    webhooks_visible_to,
)
from hallway.webhooks.models import EVENTS, GROUP_EVENTS
from hallway.webhooks.selectors import delivery_log, webhook_list

MAX_INCOMING_BYTES = 64 * 1024


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _members_only(request: HttpRequest) -> None:
    if not request_viewer(request).is_member:
        raise DjangoPermissionDenied("Webhooks are for members of the host company.")


@login_required
@require_http_methods(["GET", "POST"])
def webhook_list_view(request: HttpRequest) -> HttpResponse:
    """The hooks I manage, and a form to create one (network-wide for admins)."""
    _members_only(request)
    viewer = request_viewer(request)
    groups = list(manageable_groups(viewer).order_by("name")[:500])
    error: ActionError | PermissionDenied | None = None
    if request.method == "POST":
        scope = request.POST.get("scope", "network")
        group = None
        try:
            if scope != "network":
                group = access_group_by_id(viewer, int(scope))
            hook, secret = actions.do_create_webhook(
                actor=viewer.user,  # type: ignore[arg-type]
                name=request.POST.get("name", ""),
                url=request.POST.get("url", ""),
                events=request.POST.getlist("events"),
                group=group,
                include_confidential_body=request.POST.get("include_confidential_body") == "on",
            )
        except (ActionError, PermissionDenied, ValueError) as exc:
            error = exc if not isinstance(exc, ValueError) else ActionError("Choose a scope.")
        else:
            return _no_store(
                render(request, "webhooks/secret.html", {"hook": hook, "secret": secret})
            )
    return render(
        request,
        "webhooks/list.html",
        {
            "hooks": webhook_list(webhooks_visible_to(viewer)),
            "groups": groups,
            "events": EVENTS,
            "can_network": can_create_network_webhooks(viewer),
            "can_confidential": can_allow_confidential_text(viewer),
            "error": error,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def webhook_detail_view(request: HttpRequest, webhook_id: int) -> HttpResponse:
    """One hook: edit, enable/disable, rotate its secret, delete; its delivery log."""
    viewer = request_viewer(request)
    hook = access_webhook_by_id(viewer, webhook_id)
    actor: Any = viewer.user
    error: ActionError | PermissionDenied | None = None
    if request.method == "POST":
        action = request.POST.get("action", "update")
        try:
            if action == "rotate":
                secret = actions.do_rotate_webhook_secret(actor=actor, hook=hook)
                return _no_store(
                    render(request, "webhooks/secret.html", {"hook": hook, "secret": secret})
                )
            if action == "delete":
                actions.do_delete_webhook(actor=actor, hook=hook)
                messages.success(request, "Webhook deleted.")
                return redirect("webhook_list")
            if action in {"enable", "disable"}:
                actions.do_update_webhook(actor=actor, hook=hook, is_active=action == "enable")
            else:
                confidential = None
                if can_allow_confidential_text(viewer):
                    confidential = request.POST.get("include_confidential_body") == "on"
                actions.do_update_webhook(
                    actor=actor,
                    hook=hook,
                    name=request.POST.get("name"),
                    url=request.POST.get("url"),
                    events=request.POST.getlist("events"),
                    include_confidential_body=confidential,
                )
            messages.success(request, "Webhook saved.")
            return redirect("webhook_detail", webhook_id=hook.pk)
        except (ActionError, PermissionDenied) as exc:
            error = exc
    return render(
        request,
        "webhooks/detail.html",
        {
            "hook": hook,
            "events": GROUP_EVENTS if hook.group_id else EVENTS,
            "log": delivery_log(viewer, hook),
            "can_confidential": can_allow_confidential_text(viewer),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_webhooks_view(request: HttpRequest, group_id: int) -> HttpResponse:
    """A group's hooks (its owners and admins): incoming hooks to manage, outgoing listed."""
    viewer = request_viewer(request)
    group = access_group_by_id(viewer, group_id)
    if not can_manage_group_webhooks(viewer, group):
        raise DjangoPermissionDenied("Only the group's owners manage its webhooks.")
    actor: Any = viewer.user
    error: ActionError | PermissionDenied | None = None
    if request.method == "POST":
        action = request.POST.get("action", "create")
        try:
            if action == "create":
                hook, token = actions.do_create_incoming_webhook(
                    actor=actor, group=group, name=request.POST.get("name", "")
                )
                return _no_store(_incoming_created(request, hook, token))
            hook = access_incoming_webhook_by_id(viewer, group, int(request.POST.get("hook", 0)))
            if action == "rotate":
                token = actions.do_rotate_incoming_webhook_token(actor=actor, hook=hook)
                return _no_store(_incoming_created(request, hook, token))
            if action in {"enable", "disable"}:
                actions.do_set_incoming_webhook_active(
                    actor=actor, hook=hook, active=action == "enable"
                )
            elif action == "delete":
                actions.do_delete_incoming_webhook(actor=actor, hook=hook)
            return redirect("group_webhooks", group_id=group.pk)
        except (ActionError, PermissionDenied, ValueError) as exc:
            error = exc if not isinstance(exc, ValueError) else ActionError("Choose a hook.")
    return render(
        request,
        "webhooks/group.html",
        {
            "group": group,
            "incoming": incoming_webhooks_visible_to(viewer, group).order_by("name", "pk"),
            "outgoing": webhook_list(webhooks_visible_to(viewer).filter(group=group)),
            "error": error,
        },
        status=400 if error else 200,
    )


def _incoming_created(request: HttpRequest, hook: Any, token: str) -> HttpResponse:
    url = request.build_absolute_uri(f"/hooks/in/{token}/")
    return render(request, "webhooks/incoming_created.html", {"hook": hook, "url": url})


def _json_error(status: int, detail: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"detail": detail, **extra}, status=status)


@csrf_exempt
def incoming_webhook_view(request: HttpRequest, token: str) -> HttpResponse:
    """``POST /hooks/in/<token>/`` with ``{"text": "…", "title": "…"}``: a post in the hook's
    group by its bot. 201 ``{"id", "url", "held"}``; errors are JSON, never 500."""
    if request.method != "POST":
        response = _json_error(405, "Use POST with a JSON body.")
        response["Allow"] = "POST"
        return response
    hook = access_incoming_webhook_by_token(token)
    if hook is None:
        return _json_error(404, "Not found.")
    declared = request.headers.get("Content-Length") or "0"
    if not declared.isdigit() or int(declared) > MAX_INCOMING_BYTES:
        return _json_error(413, f"The body may have at most {MAX_INCOMING_BYTES} bytes.")
    raw = request.read(MAX_INCOMING_BYTES + 1)
    if len(raw) > MAX_INCOMING_BYTES:
        return _json_error(413, f"The body may have at most {MAX_INCOMING_BYTES} bytes.")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _json_error(400, 'Send JSON: {"text": "…", "title": "…"}.')
    if not isinstance(body, dict):
        return _json_error(400, 'Send a JSON object: {"text": "…", "title": "…"}.')
    try:
        post = actions.do_post_from_incoming_webhook(
            hook=hook, text=body.get("text", ""), title=body.get("title", "") or ""
        )
    except actions.RateLimitedError as exc:
        response = _json_error(429, exc.message)
        response["Retry-After"] = str(exc.retry_after)
        return response
    except ActionError as exc:
        extra = {"field": exc.field} if exc.field else {}
        return _json_error(exc.status if 400 <= exc.status < 500 else 400, exc.message, **extra)
    except PermissionDenied as exc:
        return _json_error(403, str(exc))
    return JsonResponse(
        {
            "id": post.pk,
            "url": request.build_absolute_uri(f"/posts/{post.pk}/"),
            "held": post.audience != hook.group.label,
        },
        status=201,
    )
