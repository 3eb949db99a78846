"""What other apps call from their ``do_*`` actions: one line each, ids only.

``notify(event, ...)`` queues the ``create_notifications`` task after the action's
transaction commits (``hallway.core.tasks.enqueue``); the task decides who is told.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from hallway.core.tasks import enqueue


def notify(event: str, **ids: Any) -> None:
    """Queue the notifications of one event (see ``hallway.notifications.delivery``)."""
    from hallway.notifications.tasks import create_notifications

    enqueue(create_notifications, event=event, **ids)


def stamp() -> str:
    """Tells apart repeats of the same group event (invited, declined, invited again)."""
    return timezone.now().strftime("%Y%m%d%H%M%S%f")
