"""Record each signed-in browser session so people can list and end them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from hallway.accounts.models import UserSession

TOUCH_EVERY = timedelta(minutes=5)


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class SessionTrackingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if (
            user is not None
            and user.is_authenticated
            and session is not None
            and session.session_key
        ):
            self._touch(request, user.pk, session.session_key)
        return response

    def _touch(self, request: HttpRequest, user_id: int, session_key: str) -> None:
        now = timezone.now()
        last = request.session.get("_hallway_seen")
        if last and now.timestamp() - float(last) < TOUCH_EVERY.total_seconds():
            return
        UserSession.objects.update_or_create(
            session_key=session_key,
            defaults={
                "user_id": user_id,
                "last_seen_at": now,
                "ip_address": _client_ip(request),
                "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
            },
        )
        request.session["_hallway_seen"] = now.timestamp()
