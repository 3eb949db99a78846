"""Writes for webhooks: ``do_*`` actions, atomic and audited (docs/adr/0010-webhooks.md)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from hallway.accounts.actions import do_create_user, do_deactivate_user
from hallway.accounts.models import User
from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import viewer_for
from hallway.groups.actions import do_add_member
from hallway.groups.models import Group
from hallway.posts.actions import do_create_post
from hallway.posts.models import Post
from hallway.webhooks.access import (
    can_allow_confidential_text,
    can_create_network_webhooks,
    can_manage_group_webhooks,
)
from hallway.webhooks.http import WebhookURLRefusedError, check_url
from hallway.webhooks.models import EVENTS, GROUP_EVENTS, IncomingWebhook, Webhook
from hallway.webhooks.signing import encrypt_secret, new_secret

MAX_HOOKS_PER_SCOPE = 20
INCOMING_TOKEN_PREFIX = "hwin_"  # noqa: S105 (a prefix, not a secret)
MAX_INCOMING_TEXT = 10_000


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ActionError("Give the hook a name.", field="name")
    if len(name) > 100:
        raise ActionError("Keep the name under 100 characters.", field="name")
    return name


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ActionError("Enter the receiver's URL.", field="url")
    try:
        check_url(url)
    except WebhookURLRefusedError as exc:
        raise ActionError(f"This URL cannot receive webhooks: {exc}.", field="url") from exc
    return url


def _clean_events(events: Sequence[str], *, group: Group | None) -> list[str]:
    allowed = GROUP_EVENTS if group is not None else EVENTS
    chosen = list(dict.fromkeys(str(event) for event in events))
    if not chosen:
        raise ActionError("Choose at least one event.", field="events")
    unknown = [event for event in chosen if event not in allowed]
    if unknown:
        raise ActionError(
            f"Unknown event for this hook: {', '.join(unknown)}. Choose among "
            f"{', '.join(allowed)}.",
            field="events",
        )
    return [event for event in allowed if event in chosen]


def do_create_webhook(
    *,
    actor: User,
    name: str,
    url: str,
    events: Sequence[str],
    group: Group | None = None,
    include_confidential_body: bool = False,
) -> tuple[Webhook, str]:
    """Subscribe a URL to events: network-wide (network admins) or for one group (its
    owners and network admins). Returns the hook and its signing secret, shown only now."""
    viewer = viewer_for(actor)
    if group is None and not can_create_network_webhooks(viewer):
        raise PermissionDenied("Only network admins can create network-wide webhooks.")
    if group is not None and not can_manage_group_webhooks(viewer, group):
        raise PermissionDenied("Only the group's owners can create webhooks for it.")
    if include_confidential_body and not can_allow_confidential_text(viewer):
        raise PermissionDenied("Only network admins can allow text from confidential groups.")
    name = _clean_name(name)
    events = _clean_events(events, group=group)
    url = _clean_url(url)
    if Webhook.objects.filter(group=group).count() >= MAX_HOOKS_PER_SCOPE:
        raise ActionError(f"At most {MAX_HOOKS_PER_SCOPE} webhooks here.", status=409)
    secret = new_secret()
    with transaction.atomic():
        hook = Webhook.objects.create(
            owner=actor,
            group=group,
            name=name,
            url=url,
            events=events,
            secret_encrypted=encrypt_secret(secret),
            include_confidential_body=include_confidential_body,
        )
        record_audit_event(
            actor=actor,
            action="webhook.create",
            target=hook,
            url=url,
            events=events,
            group_id=group.pk if group else None,
            include_confidential_body=include_confidential_body,
        )
    return hook, secret


def do_update_webhook(
    *,
    actor: User,
    hook: Webhook,
    name: str | None = None,
    url: str | None = None,
    events: Sequence[str] | None = None,
    is_active: bool | None = None,
    include_confidential_body: bool | None = None,
) -> Webhook:
    """Change a hook the actor manages (obtained through ``access_webhook_by_id``).
    Enabling a disabled hook clears its failure count."""
    viewer = viewer_for(actor)
    changes: dict[str, object] = {}
    if name is not None:
        changes["name"] = _clean_name(name)
    if url is not None and url.strip() != hook.url:
        changes["url"] = _clean_url(url)
    if events is not None:
        changes["events"] = _clean_events(events, group=hook.group)
    if include_confidential_body is not None and (
        include_confidential_body != hook.include_confidential_body
    ):
        if not can_allow_confidential_text(viewer):
            raise PermissionDenied("Only network admins can change this.")
        changes["include_confidential_body"] = include_confidential_body
    if is_active is not None and is_active != hook.is_active:
        changes["is_active"] = is_active
        if is_active:
            changes.update(consecutive_failures=0, disabled_at=None, disabled_reason="")
    if not changes:
        return hook
    with transaction.atomic():
        for field, value in changes.items():
            setattr(hook, field, value)
        hook.save(update_fields=[*changes, "updated_at"])
        record_audit_event(
            actor=actor,
            action="webhook.update",
            target=hook,
            changes={k: v for k, v in changes.items() if k != "disabled_at"},
        )
    return hook


def do_rotate_webhook_secret(*, actor: User, hook: Webhook) -> str:
    """A new signing secret, shown only now; the old one stops signing at once."""
    secret = new_secret()
    with transaction.atomic():
        hook.secret_encrypted = encrypt_secret(secret)
        hook.save(update_fields=["secret_encrypted", "updated_at"])
        record_audit_event(actor=actor, action="webhook.rotate_secret", target=hook)
    return secret


def do_delete_webhook(*, actor: User, hook: Webhook) -> None:
    """Delete a hook with its delivery log; pending deliveries are dropped."""
    with transaction.atomic():
        record_audit_event(
            actor=actor, action="webhook.delete", target=hook, url=hook.url, name=hook.name
        )
        hook.delete()


# --- incoming webhooks ------------------------------------------------------------------------
def hash_incoming_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_incoming_token() -> tuple[str, str]:
    raw = INCOMING_TOKEN_PREFIX + secrets.token_urlsafe(32)
    return raw, hash_incoming_token(raw)


def do_create_incoming_webhook(
    *, actor: User, group: Group, name: str
) -> tuple[IncomingWebhook, str]:
    """A URL that posts into ``group`` as a new bot member named after the hook. The bot
    cannot sign in (no usable password). Returns the hook and its token, shown only now."""
    viewer = viewer_for(actor)
    if not can_manage_group_webhooks(viewer, group):
        raise PermissionDenied("Only the group's owners can add incoming webhooks.")
    if group.is_archived:
        raise ActionError("This group is archived.", status=409)
    name = _clean_name(name)
    raw, token_hash = _new_incoming_token()
    with transaction.atomic():
        bot = do_create_user(
            actor=actor,
            email=f"bot-{secrets.token_hex(8)}@bots.hallway.invalid",
            name=f"{name} (bot)"[:150],
            kind=User.Kind.MEMBER,
            password=None,
        )
        do_add_member(actor=actor, group=group, user=bot)
        hook = IncomingWebhook.objects.create(
            group=group,
            bot=bot,
            name=name,
            token_hash=token_hash,
            token_prefix=raw[:12],
            created_by=actor,
        )
        record_audit_event(
            actor=actor, action="incoming_webhook.create", target=hook, group_id=group.pk
        )
    return hook, raw


def do_rotate_incoming_webhook_token(*, actor: User, hook: IncomingWebhook) -> str:
    """A new URL token; the old URL answers 404 at once."""
    raw, token_hash = _new_incoming_token()
    with transaction.atomic():
        hook.token_hash = token_hash
        hook.token_prefix = raw[:12]
        hook.save(update_fields=["token_hash", "token_prefix"])
        record_audit_event(actor=actor, action="incoming_webhook.rotate_secret", target=hook)
    return raw


def do_set_incoming_webhook_active(*, actor: User, hook: IncomingWebhook, active: bool) -> None:
    with transaction.atomic():
        hook.is_active = active
        hook.save(update_fields=["is_active"])
        record_audit_event(
            actor=actor, action="incoming_webhook.update", target=hook, is_active=active
        )


def do_delete_incoming_webhook(*, actor: User, hook: IncomingWebhook) -> None:
    """Delete the hook; its bot is deactivated and its posts stay."""
    with transaction.atomic():
        record_audit_event(
            actor=actor, action="incoming_webhook.delete", target=hook, group_id=hook.group_id
        )
        bot = hook.bot
        hook.delete()
        if bot.deactivated_at is None:
            do_deactivate_user(actor=actor, user=bot, reason="incoming webhook deleted")


class RateLimitedError(ActionError):
    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many posts from this webhook: slow down.", status=429)
        self.retry_after = retry_after


def check_incoming_rate(hook: IncomingWebhook) -> None:
    """At most ``HALLWAY_INCOMING_WEBHOOK_RATE`` posts a minute per hook (shared cache)."""
    now = int(timezone.now().timestamp())
    window = now // 60
    key = f"hallway:incoming-webhook:{hook.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > settings.HALLWAY_INCOMING_WEBHOOK_RATE:
        raise RateLimitedError(retry_after=60 - now % 60)


def do_post_from_incoming_webhook(*, hook: IncomingWebhook, text: str, title: str = "") -> Post:
    """Post ``text`` into the hook's group as its bot, through ``do_create_post`` (so the
    content policy applies as to any post). Rate-limited per hook."""
    check_incoming_rate(hook)
    if not isinstance(text, str) or not text.strip():
        raise ActionError("Send a non-empty `text`.", field="text")
    if len(text) > MAX_INCOMING_TEXT:
        raise ActionError(f"Keep `text` under {MAX_INCOMING_TEXT} characters.", field="text")
    if not isinstance(title, str):
        raise ActionError("`title` must be a string.", field="title")
    post = do_create_post(author=hook.bot, group=hook.group, body=text, title=title)
    IncomingWebhook.objects.filter(pk=hook.pk).update(last_used_at=timezone.now())
    return post
