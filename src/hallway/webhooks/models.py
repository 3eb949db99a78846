"""Outgoing webhooks (subscriptions, deliveries, attempts) and incoming webhooks.

See docs/adr/0010-webhooks.md. An outgoing hook belongs to its owner (a network admin for a
network-wide hook, a group owner or admin for a group's hook): payloads carry only what the
owner may read at delivery time. An incoming hook posts into one group as its bot user.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

EVENTS = (
    "post.created",
    "question.answered",
    "answer.accepted",
    "member.joined",
    "member.left",
    "person.created",
    "person.deactivated",
)
# Events about a group's life; person events exist for network-wide hooks only.
GROUP_EVENTS = EVENTS[:5]


class Webhook(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    group = models.ForeignKey(
        "groups.Group",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhooks",
        help_text="Empty for a network-wide hook.",
    )
    name = models.CharField(max_length=100)
    url = models.URLField(max_length=2000)
    events = models.JSONField(default=list)
    secret_encrypted = models.TextField()
    include_confidential_body = models.BooleanField(
        default=False,
        help_text="Carry body text from confidential and restricted groups (admins only).",
    )
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["is_active", "group"])]

    def __str__(self) -> str:
        return f"{self.name} → {self.url}"


class WebhookDelivery(models.Model):
    """One event for one hook: built and signed at each attempt, delivered at least once."""

    class State(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"  # gave up after the last attempt, or the hook was disabled
        DROPPED = "dropped"  # nothing the owner may see: not sent

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    event_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)  # ids only; the payload is built at delivery time
    occurred_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["hook", "event_id"], name="webhook_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} → hook {self.hook_id} ({self.state})"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery: the hook's delivery log."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    hook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="attempts")
    attempt = models.PositiveIntegerField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    succeeded = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["hook", "-id"])]

    def __str__(self) -> str:
        return f"attempt {self.attempt} of delivery {self.delivery_id}: {self.status_code}"


class IncomingWebhook(models.Model):
    """``POST /hooks/in/<token>/`` posts into ``group`` as ``bot``; only the token's hash is
    stored."""

    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, related_name="incoming_webhooks"
    )
    bot = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="incoming_webhook"
    )
    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(max_length=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} → group {self.group_id}"
