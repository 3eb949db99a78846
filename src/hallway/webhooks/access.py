"""Permission layer for webhooks (DESIGN §5).

Network admins manage every hook (network-wide and groups'); an active owner of a group
manages that group's hooks, outgoing and incoming. Guests and everyone else see none. A hook
one may not manage answers NotFound, like a missing one. Managing a hook never implies
reading the group's content: the log holds statuses and ids, never payloads.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from hallway.core.errors import NotFound
from hallway.core.permissions import Viewer
from hallway.groups.access import can_manage_group, groups_visible_to
from hallway.groups.models import Group, Membership
from hallway.webhooks.models import IncomingWebhook, Webhook, WebhookAttempt


def _owned_group_ids(viewer: Viewer) -> list[int]:
    return [
        group_id
        for group_id, role in viewer.active_memberships.items()
        if role == Membership.Role.OWNER
    ]


def webhooks_visible_to(viewer: Viewer) -> QuerySet[Webhook]:
    """Outgoing hooks this viewer manages: all for network admins, their groups' for owners."""
    if viewer.user is None or not viewer.is_member:
        return Webhook.objects.none()
    if viewer.is_network_admin:
        return Webhook.objects.all()
    return Webhook.objects.filter(Q(group_id__in=_owned_group_ids(viewer)) | Q(owner=viewer.user))


def access_webhook_by_id(viewer: Viewer, webhook_id: int) -> Webhook:
    """The hook, or NotFound whether it is missing or managed by others."""
    hook = (
        webhooks_visible_to(viewer).select_related("group", "owner").filter(pk=webhook_id).first()
    )
    if hook is None:
        raise NotFound
    return hook


def attempts_visible_to(viewer: Viewer, hook: Webhook) -> QuerySet[WebhookAttempt]:
    """The delivery log of a hook already obtained through ``access_webhook_by_id``."""
    return WebhookAttempt.objects.filter(hook=hook).select_related("delivery")


def can_manage_group_webhooks(viewer: Viewer, group: Group) -> bool:
    """Create hooks for this group: members who own it, and network admins."""
    return viewer.is_member and can_manage_group(viewer, group)


def can_create_network_webhooks(viewer: Viewer) -> bool:
    return viewer.is_network_admin


def can_allow_confidential_text(viewer: Viewer) -> bool:
    """Only network admins may let a hook carry text from confidential groups."""
    return viewer.is_network_admin


def manageable_groups(viewer: Viewer) -> QuerySet[Group]:
    """Groups whose hooks this viewer may manage (for the create form)."""
    if viewer.user is None or not viewer.is_member:
        return Group.objects.none()
    visible = groups_visible_to(viewer).filter(archived_at__isnull=True)
    if viewer.is_network_admin:
        return visible
    return visible.filter(pk__in=_owned_group_ids(viewer))


def incoming_webhooks_visible_to(viewer: Viewer, group: Group) -> QuerySet[IncomingWebhook]:
    """Incoming hooks of a group the viewer manages (the group from ``access_group_by_id``)."""
    if not can_manage_group_webhooks(viewer, group):
        return IncomingWebhook.objects.none()
    return IncomingWebhook.objects.filter(group=group).select_related("bot")


def access_incoming_webhook_by_id(viewer: Viewer, group: Group, hook_id: int) -> IncomingWebhook:
    hook = incoming_webhooks_visible_to(viewer, group).filter(pk=hook_id).first()
    if hook is None:
        raise NotFound
    return hook


def access_incoming_webhook_by_token(raw_token: str) -> IncomingWebhook | None:
    """The active incoming hook whose URL token this is (compared by its SHA-256), or None.
    The token is the caller's credential: no viewer is involved."""
    from hallway.webhooks.actions import INCOMING_TOKEN_PREFIX, hash_incoming_token

    if not raw_token.startswith(INCOMING_TOKEN_PREFIX) or len(raw_token) > 100:
        return None
    return (
        IncomingWebhook.objects.select_related("group", "bot")
        .filter(token_hash=hash_incoming_token(raw_token), is_active=True, bot__is_active=True)
        .first()
    )
