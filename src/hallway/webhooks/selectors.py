"""Reads for the webhook pages and API (on top of access.py)."""

from __future__ import annotations

from django.db.models import QuerySet

from hallway.core.permissions import Viewer
from hallway.webhooks.access import attempts_visible_to
from hallway.webhooks.models import Webhook, WebhookAttempt

LOG_PAGE = 50


def delivery_log(viewer: Viewer, hook: Webhook, *, limit: int = LOG_PAGE) -> list[WebhookAttempt]:
    """The newest attempts of a hook, with their delivery (one query)."""
    return list(attempts_visible_to(viewer, hook).order_by("-pk")[:limit])


def webhook_list(queryset: QuerySet[Webhook]) -> QuerySet[Webhook]:
    return queryset.select_related("group", "owner").order_by("group__name", "name", "pk")
