"""Notification emails: rendering, and the signed one-click unsubscribe (RFC 8058)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from hallway.notifications.models import Kind
from hallway.notifications.render import Rendered

UNSUBSCRIBE_SALT = "hallway.notifications.unsubscribe"
# Besides each notification kind, the email digest has its own unsubscribe token.
DIGEST_KIND = "digest"
UNSUBSCRIBE_KINDS = frozenset([*Kind.values, DIGEST_KIND])


def unsubscribe_label(kind: str) -> str:
    """What an unsubscribe link stops, for its confirmation page."""
    return "Email digests" if kind == DIGEST_KIND else Kind(kind).label


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    """A signed token naming one person and one kind (or ``digest``); it does not expire
    (mail is kept)."""
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) from a token we signed, or None when tampered or malformed."""
    try:
        data: Any = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or kind not in UNSUBSCRIBE_KINDS:
        return None
    return user_id, kind


def absolute(path: str) -> str:
    return f"{settings.HALLWAY_BASE_URL}{path}"


def notification_email(rendered: Rendered, *, user_id: int) -> dict[str, Any]:
    """Subject, text, HTML and headers of one notification's email."""
    kind = rendered.kind
    token = unsubscribe_token(user_id=user_id, kind=kind)
    unsubscribe_url = absolute(reverse("notification_unsubscribe", args=[token]))
    context = {
        "network_name": settings.HALLWAY_NETWORK_NAME,
        "text": rendered.text,
        "excerpt": rendered.excerpt,
        "open_url": absolute(reverse("notification_open", args=[rendered.pk])),
        "preferences_url": absolute(reverse("notification_preferences")),
        "unsubscribe_url": unsubscribe_url,
        "kind_label": Kind(kind).label,
    }
    return {
        "subject": f"[{settings.HALLWAY_NETWORK_NAME}] {rendered.text}",
        "text": render_to_string("notifications/email/notification.txt", context),
        "html": render_to_string("notifications/email/notification.html", context),
        "headers": {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }
