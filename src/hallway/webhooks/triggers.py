"""What other apps call from their ``do_*`` actions: ``emit_webhook_event(event, **ids)``.

After the action's transaction commits, and only if some active hook exists, the
``dispatch_webhook_event`` task is queued; it finds the subscribed hooks and queues one
delivery each. Ids only: payloads are built at delivery time (hallway.webhooks.payloads).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone


def emit_webhook_event(event: str, **ids: Any) -> None:
    from hallway.core.tasks import enqueue
    from hallway.webhooks.models import Webhook
    from hallway.webhooks.tasks import dispatch_webhook_event

    event_id = uuid.uuid4().hex
    occurred_at = timezone.now().isoformat()

    def queue() -> None:
        if not Webhook.objects.filter(is_active=True).exists():
            return
        enqueue(
            dispatch_webhook_event,
            idempotency_key=f"webhook-event:{event_id}",
            event=event,
            event_id=event_id,
            occurred_at=occurred_at,
            ids=ids,
        )

    transaction.on_commit(queue)
