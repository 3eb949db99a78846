"""Fan-out and delivery of outgoing webhooks (docs/adr/0010-webhooks.md).

``dispatch`` writes one ``WebhookDelivery`` per subscribed hook (unique per hook and event,
so a re-run queues nothing twice) and queues ``deliver_webhook`` for each. Each attempt
builds the payload for the hook's owner *now*, signs it, POSTs it through the SSRF-safe
client and writes a ``WebhookAttempt`` (the delivery log). A failed attempt is retried by
the task system with its backoff (10 s, 20 s, 40 s …) up to ``HALLWAY_WEBHOOK_MAX_ATTEMPTS``;
``HALLWAY_WEBHOOK_MAX_FAILURES`` failed attempts in a row disable the hook and tell its
owner. Delivery is at least once: receivers deduplicate on ``Hallway-Delivery``.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from hallway.core.audit import record_audit_event
from hallway.core.email import queue_email
from hallway.core.tasks import enqueue
from hallway.webhooks.http import AttemptResult, post_json
from hallway.webhooks.models import Webhook, WebhookAttempt, WebhookDelivery
from hallway.webhooks.payloads import build_payload
from hallway.webhooks.signing import decrypt_secret, signature_header

logger = logging.getLogger(__name__)


class DeliveryFailedError(Exception):
    """Raised by the task so that the task system retries it with backoff."""


def dispatch(*, event: str, event_id: str, occurred_at: str, ids: dict[str, Any]) -> int:
    """Queue one delivery per active hook subscribed to this event; returns how many."""
    from hallway.webhooks.tasks import deliver_webhook

    group_id = ids.get("group_id")
    hooks = Webhook.objects.filter(is_active=True)
    if group_id is None:
        hooks = hooks.filter(group__isnull=True)
    else:
        hooks = hooks.filter(Q(group__isnull=True) | Q(group_id=group_id))
    queued = 0
    for hook in hooks.only("pk", "events"):
        if event not in hook.events:
            continue
        with transaction.atomic():
            delivery, created = WebhookDelivery.objects.get_or_create(
                hook=hook,
                event_id=event_id,
                defaults={
                    "event": event,
                    "data": ids,
                    "occurred_at": datetime.fromisoformat(occurred_at),
                },
            )
            if created:
                enqueue(
                    deliver_webhook,
                    idempotency_key=f"webhook-delivery:{delivery.pk}",
                    max_attempts=settings.HALLWAY_WEBHOOK_MAX_ATTEMPTS,
                    delivery_id=delivery.pk,
                )
                queued += 1
    return queued


def _finish(delivery: WebhookDelivery, state: str, note: str = "") -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=state, note=note[:300], finished_at=timezone.now()
    )


def _send(hook: Webhook, delivery: WebhookDelivery, payload: dict[str, Any]) -> AttemptResult:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()
    try:
        secret = decrypt_secret(hook.secret_encrypted)
    except ValueError as exc:
        return AttemptResult(None, "", 0, str(exc))
    return post_json(
        hook.url,
        body,
        {
            "Hallway-Event": delivery.event,
            "Hallway-Delivery": str(delivery.uuid),
            "Hallway-Signature": signature_header(secret, body),
        },
    )


def attempt_delivery(*, delivery_id: int) -> str:
    """One attempt of one delivery. Returns ``delivered``, ``dropped`` (nothing the owner
    may see), ``disabled``, ``failed`` (last attempt), ``retry`` or ``done`` (already
    finished)."""
    delivery = (
        WebhookDelivery.objects.select_related("hook")
        .filter(pk=delivery_id, state=WebhookDelivery.State.PENDING)
        .first()
    )
    if delivery is None:
        return "done"
    hook = delivery.hook
    if not hook.is_active:
        _finish(delivery, WebhookDelivery.State.FAILED, "the hook is disabled")
        return "disabled"
    payload = build_payload(
        hook,
        event=delivery.event,
        ids=delivery.data,
        delivery_id=str(delivery.uuid),
        occurred_at=delivery.occurred_at,
    )
    if payload is None:
        _finish(delivery, WebhookDelivery.State.DROPPED, "nothing the hook's owner may see")
        return "dropped"
    result = _send(hook, delivery, payload)
    attempt = delivery.attempts + 1
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk=delivery.pk).update(attempts=F("attempts") + 1)
        WebhookAttempt.objects.create(
            delivery=delivery,
            hook=hook,
            attempt=attempt,
            status_code=result.status_code,
            response_excerpt=result.excerpt,
            duration_ms=result.duration_ms,
            error=result.error,
            succeeded=result.succeeded,
        )
        if result.succeeded:
            Webhook.objects.filter(pk=hook.pk).update(consecutive_failures=0)
            _finish(delivery, WebhookDelivery.State.DELIVERED)
            return "delivered"
        Webhook.objects.filter(pk=hook.pk).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        hook.refresh_from_db(fields=["consecutive_failures", "is_active"])
        if hook.is_active and hook.consecutive_failures >= settings.HALLWAY_WEBHOOK_MAX_FAILURES:
            disable_after_failures(hook)
        if not hook.is_active:
            _finish(delivery, WebhookDelivery.State.FAILED, "the hook was disabled")
            return "disabled"
        if attempt >= settings.HALLWAY_WEBHOOK_MAX_ATTEMPTS:
            _finish(delivery, WebhookDelivery.State.FAILED, f"gave up after {attempt} attempts")
            return "failed"
    return "retry"


def disable_after_failures(hook: Webhook) -> None:
    """Disable a hook that keeps failing and tell its owner (the hook's page says it too)."""
    now = timezone.now()
    reason = f"Disabled after {hook.consecutive_failures} failed attempts in a row."
    updated = Webhook.objects.filter(pk=hook.pk, is_active=True).update(
        is_active=False, disabled_at=now, disabled_reason=reason
    )
    hook.is_active = False
    hook.disabled_at = now
    hook.disabled_reason = reason
    if not updated:
        return
    record_audit_event(
        actor=None, action="webhook.disabled", target=hook, failures=hook.consecutive_failures
    )
    owner = hook.owner
    if owner.is_active:
        queue_email(
            subject=f"Webhook “{hook.name}” was disabled",
            to=[owner.email],
            text=(
                f"Your webhook “{hook.name}” ({hook.url}) failed {hook.consecutive_failures} "
                "times in a row and was disabled. Check the receiver, then enable the hook "
                f"again on {settings.HALLWAY_BASE_URL}/webhooks/{hook.pk}/ ."
            ),
            idempotency_key=f"webhook-disabled:{hook.pk}:{now.timestamp()}",
        )


def cleanup_old_deliveries() -> int:
    """Deliveries (and their attempts) are kept for 30 days."""
    cutoff = timezone.now() - timedelta(days=30)
    return WebhookDelivery.objects.filter(created_at__lt=cutoff).delete()[0]
