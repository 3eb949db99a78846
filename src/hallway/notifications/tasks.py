"""Thin tasks: build an event's notifications; send one notification's email; digests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from hallway.core.email import queue_email
from hallway.core.permissions import viewer_for
from hallway.core.tasks import periodic, task
from hallway.notifications.access import notifications_visible_to
from hallway.notifications.delivery import EVENTS
from hallway.notifications.digests import schedule_digests, send_digests
from hallway.notifications.emails import notification_email
from hallway.notifications.models import Channel, Notification
from hallway.notifications.preferences import channel_for
from hallway.notifications.render import render_notification


@task
def create_notifications(*, event: str, **ids: Any) -> None:
    handler: Any = EVENTS[event]
    handler(**ids)


@task
def send_notification_email(*, notification_id: int) -> None:
    """Send one notification by email, once, if its recipient may still see it and still
    wants it by email. Permissions and sensitivity are checked here, at send time."""
    found = Notification.objects.select_related("recipient").filter(
        pk=notification_id, emailed_at__isnull=True, read_at__isnull=True
    )
    notification = found.first()
    if notification is None or not notification.recipient.is_active:
        return
    recipient = notification.recipient
    visible = (
        notifications_visible_to(viewer_for(recipient))
        .select_related("actor", "post__group", "comment", "group", "person")
        .filter(pk=notification_id)
        .first()
    )
    if visible is None:
        return
    group_id = visible.group_id or (visible.post.group_id if visible.post else None)
    wanted = channel_for(
        user_id=recipient.pk, kind=visible.kind, group_id=group_id, post_id=visible.post_id
    )
    if wanted != Channel.EMAIL:
        return
    message = notification_email(render_notification(visible, for_email=True), user_id=recipient.pk)
    with transaction.atomic():
        # The first run to stamp it sends; a retried or duplicate task finds it stamped.
        claimed = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if claimed:
            queue_email(
                to=[recipient.email],
                idempotency_key=f"notification-mail:{notification_id}",
                **message,
            )


@task
def send_digest_batch(*, user_ids: list[int], period: str) -> dict[str, int]:
    """Digests of a batch of people for one period (each person once: see digests.py)."""
    return send_digests(user_ids=user_ids, period_key=period)


@periodic(every=timedelta(hours=1))
def schedule_due_digests() -> int:
    """Each hour: queue the daily and weekly digests that are due (digests.py)."""
    return schedule_digests()
