"""Webhook tasks: fan an event out to its hooks, then deliver each (thin; see delivery)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings

from hallway.core.tasks import periodic, task


@task
def dispatch_webhook_event(
    *, event: str, event_id: str, occurred_at: str, ids: dict[str, Any]
) -> int:
    from hallway.webhooks.delivery import dispatch

    return dispatch(event=event, event_id=event_id, occurred_at=occurred_at, ids=ids)


@task
def deliver_webhook(*, delivery_id: int) -> str:
    from hallway.webhooks.delivery import DeliveryFailedError, attempt_delivery

    outcome = attempt_delivery(delivery_id=delivery_id)
    if outcome == "retry":
        if settings.HALLWAY_TASKS_EAGER:
            return outcome  # eager (tests): no queue to retry from
        raise DeliveryFailedError(f"webhook delivery {delivery_id} failed; retrying")
    return outcome


@periodic(every=timedelta(days=1))
def cleanup_webhook_log() -> int:
    from hallway.webhooks.delivery import cleanup_old_deliveries

    return cleanup_old_deliveries()
