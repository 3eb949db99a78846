"""``GET /events/``: the server-sent event stream of a signed-in person (ADR 0006).

Each message is ``id: <n>`` + ``data: {"event": name, "data": {...}}``; the client script
(static/hallway/live.js) turns it into a ``hallway:<name>`` DOM event. Comment lines every
``HALLWAY_EVENTS_HEARTBEAT_SECONDS`` keep proxies from closing the connection; at each one the
stream checks that the session still exists and the person is still active (sign-out and
deactivation end it) and refreshes the viewer's labels. ``Last-Event-ID`` replays what a
reconnecting client missed.

Served by an ASGI server (``hallway run``) the response streams. Served through WSGI (Django's
test client, a sync deployment) it answers at once with the missed events and ``retry:``, so
EventSource falls back to polling instead of holding a sync worker forever.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import AsyncIterator
from importlib import import_module

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.views.decorators.http import require_GET

from hallway.core.events import HUB, LiveEvent, backend, delivered_to
from hallway.core.permissions import labels_for

MAX_STREAM_SECONDS = 3600  # the client reconnects with Last-Event-ID; spreads load


def format_event(event: LiveEvent) -> str:
    payload = json.dumps({"event": event.name, "data": event.data}, separators=(",", ":"))
    return f"id: {event.id}\ndata: {payload}\n\n"


def _last_event_id(request: HttpRequest) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id") or ""
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if value >= 0 else None


def current_labels(user_id: int, session_key: str | None) -> frozenset[str] | None:
    """The person's labels while the session is signed in and they are active, else None."""
    from hallway.accounts.models import User

    if session_key is not None:
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
        if str(store.load().get(SESSION_KEY)) != str(user_id):
            return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    labels = labels_for(user)
    return labels or None


def _start(last_id: int | None) -> tuple[list[LiveEvent], int]:
    """Events to replay and the id to start from."""
    events_backend = backend()
    if last_id is None:
        return [], events_backend.latest_id()
    return events_backend.since(last_id), last_id


def _close_connection() -> None:
    connection.close()  # resolved in the thread that runs it


def _headers(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"
    return response


@require_GET
async def events(request: HttpRequest) -> HttpResponseBase:
    user = await request.auser()
    if not user.is_authenticated or not user.is_active:
        return HttpResponse("Sign in to receive live updates.\n", status=401)
    user_id = user.pk
    session_key = request.session.session_key if hasattr(request, "session") else None
    labels = await sync_to_async(current_labels)(user_id, session_key)
    if labels is None:
        return HttpResponse("Sign in to receive live updates.\n", status=401)
    last_id = _last_event_id(request)
    retry_ms = settings.HALLWAY_EVENTS_RETRY_MS

    if not isinstance(request, ASGIRequest):
        replay, start_id = await sync_to_async(_start)(last_id)
        parts = [f"retry: {retry_ms}\n\n", f"id: {start_id}\n\n"]
        parts += [
            format_event(e) for e in replay if delivered_to(e, user_id=user_id, labels=labels)
        ]
        response = HttpResponse("".join(parts), content_type="text/event-stream")
        return _headers(response)

    stream = _stream(user_id=user_id, session_key=session_key, labels=labels, last_id=last_id)
    return _headers(StreamingHttpResponse(stream, content_type="text/event-stream"))


async def _stream(
    *, user_id: int, session_key: str | None, labels: frozenset[str], last_id: int | None
) -> AsyncIterator[str]:
    # The request's own thread (sign-in check, middleware) is done with the database: close
    # its connection now rather than hold one per open stream (PostgreSQL max_connections).
    await sync_to_async(_close_connection)()
    subscription = HUB.subscribe()  # before replay, so nothing falls in between
    sent: deque[int] = deque(maxlen=1000)
    try:
        replay, start_id = await sync_to_async(_start, thread_sensitive=False)(last_id)
        yield f"retry: {settings.HALLWAY_EVENTS_RETRY_MS}\n\n"
        yield f"id: {start_id}\n\n"
        for old in replay:
            sent.append(old.id)
            if delivered_to(old, user_id=user_id, labels=labels):
                yield format_event(old)
        heartbeat = settings.HALLWAY_EVENTS_HEARTBEAT_SECONDS
        ends_at = time.monotonic() + MAX_STREAM_SECONDS
        next_check = time.monotonic() + heartbeat
        while time.monotonic() < ends_at:
            event: LiveEvent | None
            try:
                event = await asyncio.wait_for(
                    subscription.queue.get(), timeout=max(0.0, next_check - time.monotonic())
                )
            except TimeoutError:
                event = None
            if subscription.overflowed:
                yield 'data: {"event":"reload","data":{}}\n\n'
                return
            if event is None:
                # A pooled thread, not one per stream: thousands of streams share a few.
                refreshed = await sync_to_async(current_labels, thread_sensitive=False)(
                    user_id, session_key
                )
                if refreshed is None:
                    yield 'data: {"event":"signed-out","data":{}}\n\n'
                    return
                labels = refreshed
                next_check = time.monotonic() + heartbeat
                yield ": heartbeat\n\n"
                continue
            if event.id in sent:
                continue
            sent.append(event.id)
            if delivered_to(event, user_id=user_id, labels=labels):
                yield format_event(event)
    finally:
        HUB.unsubscribe(subscription)
