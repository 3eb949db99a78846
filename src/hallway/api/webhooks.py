"""``/webhooks``: outgoing webhooks (network admins; group owners for their groups) and their
delivery log; ``/groups/{id}/incoming-webhooks``: a group's incoming webhooks (its owners).

Secrets and incoming URLs are shown once, in the answer that creates or rotates them. A hook
one does not manage answers 404 like a missing one. See docs/adr/0010-webhooks.md.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hallway.api.auth import api_viewer
from hallway.api.pagination import PageParams, page_by_newest
from hallway.api.schemas import Id, ShortText, responses
from hallway.core.permissions import Viewer
from hallway.groups.access import access_group_by_id
from hallway.webhooks import actions
from hallway.webhooks.access import (
    access_incoming_webhook_by_id,
    access_webhook_by_id,
    attempts_visible_to,
    incoming_webhooks_visible_to,
    webhooks_visible_to,
)
from hallway.webhooks.models import IncomingWebhook, Webhook, WebhookAttempt

router = Router(tags=["webhooks"])

Event = Literal[
    "post.created",
    "question.answered",
    "answer.accepted",
    "member.joined",
    "member.left",
    "person.created",
    "person.deactivated",
]


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    events: list[Event]
    group_id: int | None = Field(description="Empty for a network-wide hook.")
    owner_id: int = Field(description="Payloads carry what this person may read.")
    include_confidential_body: bool
    active: bool
    consecutive_failures: int
    disabled_at: datetime | None
    disabled_reason: str
    created_at: datetime


class WebhookCreatedOut(WebhookOut):
    secret: str = Field(description="The signing secret, shown this once.")


class WebhookPage(Schema):
    results: list[WebhookOut]
    next: str | None


class WebhookIn(Schema):
    name: ShortText
    url: str = Field(max_length=2000)
    events: list[Event] = Field(min_length=1, max_length=10)
    group_id: Id | None = Field(None, description="A group you own; empty for network-wide.")
    include_confidential_body: bool = Field(False, description="Network admins only.")


class WebhookPatch(Schema):
    name: ShortText | None = None
    url: str | None = Field(None, max_length=2000)
    events: list[Event] | None = Field(None, min_length=1, max_length=10)
    active: bool | None = None
    include_confidential_body: bool | None = None


class SecretOut(Schema):
    secret: str


class AttemptOut(Schema):
    id: int
    delivery_id: str = Field(description="The `Hallway-Delivery` header of this message.")
    event: Event
    attempt: int
    status_code: int | None
    succeeded: bool
    duration_ms: int
    response_excerpt: str = Field(description="At most 500 characters of the answer.")
    error: str
    delivery_state: Literal["pending", "delivered", "failed", "dropped"]
    created_at: datetime


class AttemptPage(Schema):
    results: list[AttemptOut]
    next: str | None


class IncomingOut(Schema):
    id: int
    name: str
    group_id: int
    bot_id: int
    bot_name: str
    token_prefix: str
    active: bool
    created_at: datetime
    last_used_at: datetime | None


class IncomingCreatedOut(IncomingOut):
    url: str = Field(description="POST JSON here. Shown this once: the token is the secret.")


class IncomingPage(Schema):
    results: list[IncomingOut]
    next: str | None


class IncomingIn(Schema):
    name: ShortText


class IncomingPatch(Schema):
    active: bool


def _hook_json(hook: Webhook) -> dict[str, Any]:
    return {
        "id": hook.pk,
        "name": hook.name,
        "url": hook.url,
        "events": hook.events,
        "group_id": hook.group_id,
        "owner_id": hook.owner_id,
        "include_confidential_body": hook.include_confidential_body,
        "active": hook.is_active,
        "consecutive_failures": hook.consecutive_failures,
        "disabled_at": hook.disabled_at,
        "disabled_reason": hook.disabled_reason,
        "created_at": hook.created_at,
    }


def _attempt_json(attempt: WebhookAttempt) -> dict[str, Any]:
    return {
        "id": attempt.pk,
        "delivery_id": str(attempt.delivery.uuid),
        "event": attempt.delivery.event,
        "attempt": attempt.attempt,
        "status_code": attempt.status_code,
        "succeeded": attempt.succeeded,
        "duration_ms": attempt.duration_ms,
        "response_excerpt": attempt.response_excerpt,
        "error": attempt.error,
        "delivery_state": attempt.delivery.state,
        "created_at": attempt.created_at,
    }


def _incoming_json(hook: IncomingWebhook) -> dict[str, Any]:
    return {
        "id": hook.pk,
        "name": hook.name,
        "group_id": hook.group_id,
        "bot_id": hook.bot_id,
        "bot_name": hook.bot.name,
        "token_prefix": hook.token_prefix,
        "active": hook.is_active,
        "created_at": hook.created_at,
        "last_used_at": hook.last_used_at,
    }


def _actor(viewer: Viewer) -> Any:
    assert viewer.user is not None
    return viewer.user


@router.get("/webhooks", response=responses({200: WebhookPage}), summary="Webhooks I manage")
def list_webhooks(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """Network admins: every hook; group owners: their groups' hooks. Newest first."""
    rows, next_cursor = page_by_newest(webhooks_visible_to(api_viewer(request)), params)
    return {"results": [_hook_json(hook) for hook in rows], "next": next_cursor}


@router.post("/webhooks", response=responses({201: WebhookCreatedOut}), summary="Create a webhook")
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Status[dict[str, Any]]:
    """Subscribe a URL to events. Copy ``secret`` now: it is shown only in this answer."""
    viewer = api_viewer(request)
    group = access_group_by_id(viewer, payload.group_id) if payload.group_id else None
    hook, secret = actions.do_create_webhook(
        actor=_actor(viewer),
        name=payload.name,
        url=payload.url,
        events=payload.events,
        group=group,
        include_confidential_body=payload.include_confidential_body,
    )
    return Status(201, {**_hook_json(hook), "secret": secret})


@router.get("/webhooks/{webhook_id}", response=responses({200: WebhookOut}), summary="A webhook")
def get_webhook(request: HttpRequest, webhook_id: Id) -> dict[str, Any]:
    return _hook_json(access_webhook_by_id(api_viewer(request), webhook_id))


@router.patch(
    "/webhooks/{webhook_id}", response=responses({200: WebhookOut}), summary="Change a webhook"
)
def update_webhook(request: HttpRequest, webhook_id: Id, payload: WebhookPatch) -> dict[str, Any]:
    """Change name, URL, events; ``active: true`` enables a disabled hook again.
    ``include_confidential_body`` is for network admins only."""
    viewer = api_viewer(request)
    hook = access_webhook_by_id(viewer, webhook_id)
    hook = actions.do_update_webhook(
        actor=_actor(viewer),
        hook=hook,
        name=payload.name,
        url=payload.url,
        events=payload.events,
        is_active=payload.active,
        include_confidential_body=payload.include_confidential_body,
    )
    return _hook_json(hook)


@router.delete(
    "/webhooks/{webhook_id}", response=responses({204: None}), summary="Delete a webhook"
)
def delete_webhook(request: HttpRequest, webhook_id: Id) -> Status[None]:
    viewer = api_viewer(request)
    actions.do_delete_webhook(actor=_actor(viewer), hook=access_webhook_by_id(viewer, webhook_id))
    return Status(204, None)


@router.post(
    "/webhooks/{webhook_id}/rotate-secret",
    response=responses({200: SecretOut}),
    summary="Rotate a webhook's secret",
)
def rotate_webhook_secret(request: HttpRequest, webhook_id: Id) -> dict[str, Any]:
    """A new signing secret, shown only in this answer; the old one stops at once."""
    viewer = api_viewer(request)
    hook = access_webhook_by_id(viewer, webhook_id)
    return {"secret": actions.do_rotate_webhook_secret(actor=_actor(viewer), hook=hook)}


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response=responses({200: AttemptPage}),
    summary="A webhook's delivery log",
)
def list_deliveries(
    request: HttpRequest, webhook_id: Id, params: Query[PageParams]
) -> dict[str, Any]:
    """Every attempt, newest first: status, answer excerpt, duration, error."""
    viewer = api_viewer(request)
    hook = access_webhook_by_id(viewer, webhook_id)
    rows, next_cursor = page_by_newest(attempts_visible_to(viewer, hook), params)
    return {"results": [_attempt_json(row) for row in rows], "next": next_cursor}


# --- incoming ---------------------------------------------------------------------------------
def _incoming_url(request: HttpRequest, token: str) -> str:
    return f"{settings.HALLWAY_BASE_URL}/hooks/in/{token}/"


@router.get(
    "/groups/{group_id}/incoming-webhooks",
    response=responses({200: IncomingPage}),
    summary="A group's incoming webhooks",
)
def list_incoming(request: HttpRequest, group_id: Id, params: Query[PageParams]) -> dict[str, Any]:
    """For the group's owners and network admins; others get an empty list."""
    viewer = api_viewer(request)
    group = access_group_by_id(viewer, group_id)
    rows, next_cursor = page_by_newest(incoming_webhooks_visible_to(viewer, group), params)
    return {"results": [_incoming_json(hook) for hook in rows], "next": next_cursor}


@router.post(
    "/groups/{group_id}/incoming-webhooks",
    response=responses({201: IncomingCreatedOut}, conflict=True),
    summary="Add an incoming webhook",
)
def create_incoming(
    request: HttpRequest, group_id: Id, payload: IncomingIn
) -> Status[dict[str, Any]]:
    """A URL that posts into the group as a new bot member. Copy ``url`` now."""
    viewer = api_viewer(request)
    group = access_group_by_id(viewer, group_id)
    hook, token = actions.do_create_incoming_webhook(
        actor=_actor(viewer), group=group, name=payload.name
    )
    return Status(201, {**_incoming_json(hook), "url": _incoming_url(request, token)})


@router.patch(
    "/groups/{group_id}/incoming-webhooks/{hook_id}",
    response=responses({200: IncomingOut}),
    summary="Enable or disable an incoming webhook",
)
def update_incoming(
    request: HttpRequest, group_id: Id, hook_id: Id, payload: IncomingPatch
) -> dict[str, Any]:
    viewer = api_viewer(request)
    hook = access_incoming_webhook_by_id(viewer, access_group_by_id(viewer, group_id), hook_id)
    actions.do_set_incoming_webhook_active(actor=_actor(viewer), hook=hook, active=payload.active)
    return _incoming_json(hook)


@router.delete(
    "/groups/{group_id}/incoming-webhooks/{hook_id}",
    response=responses({204: None}),
    summary="Delete an incoming webhook",
)
def delete_incoming(request: HttpRequest, group_id: Id, hook_id: Id) -> Status[None]:
    """Its bot is deactivated; its posts stay."""
    viewer = api_viewer(request)
    hook = access_incoming_webhook_by_id(viewer, access_group_by_id(viewer, group_id), hook_id)
    actions.do_delete_incoming_webhook(actor=_actor(viewer), hook=hook)
    return Status(204, None)


@router.post(
    "/groups/{group_id}/incoming-webhooks/{hook_id}/rotate-secret",
    response=responses({200: IncomingCreatedOut}),
    summary="Rotate an incoming webhook's URL",
)
def rotate_incoming(request: HttpRequest, group_id: Id, hook_id: Id) -> dict[str, Any]:
    """A new URL, shown only in this answer; the old one answers 404 at once."""
    viewer = api_viewer(request)
    hook = access_incoming_webhook_by_id(viewer, access_group_by_id(viewer, group_id), hook_id)
    token = actions.do_rotate_incoming_webhook_token(actor=_actor(viewer), hook=hook)
    return {**_incoming_json(hook), "url": _incoming_url(request, token)}
