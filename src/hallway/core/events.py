"""Live events for server-sent event streams (DESIGN §3 "real-time", ADR 0006).

``publish_to_users(user_ids, event, data)`` and ``publish_to_audience(label, event, data)``
publish after the current transaction commits. An event carries ids and small, non-sensitive
data only; the page fetches content through the permission-checked endpoints. A stream
delivers an audience event only to a viewer whose label set holds the event's label
(``delivered_to``), the same labels every list filters on.

Backends (``HALLWAY_EVENTS_BACKEND``):
- ``database`` (embedded default): an ``Event`` row per event; each web process reads new
  rows once a second in one thread and hands them to its streams. Works across the web
  processes and the worker of one machine with no other server.
- ``redis``: ``PUBLISH`` on one channel plus a capped sorted set for replay; many hosts.
- ``memory``: one process only (tests).
Every backend keeps recent events for ``Last-Event-ID`` replay.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

REPLAY_LIMIT = 500  # most events replayed to one reconnecting stream
BUFFER_SIZE = 2000  # events kept by the memory and Redis backends
QUEUE_SIZE = 200  # events waiting for one slow stream before it is told to reload
REDIS_CHANNEL = "hallway:events"


@dataclass(frozen=True)
class LiveEvent:
    id: int
    name: str
    data: dict[str, Any]
    audience: str = ""
    user_ids: tuple[int, ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            {
                "id": self.id,
                "name": self.name,
                "data": self.data,
                "audience": self.audience,
                "user_ids": list(self.user_ids),
            }
        )

    @classmethod
    def from_json(cls, raw: str | bytes) -> LiveEvent:
        value = json.loads(raw)
        return cls(
            id=int(value["id"]),
            name=value["name"],
            data=value["data"],
            audience=value.get("audience", ""),
            user_ids=tuple(value.get("user_ids", ())),
        )


def delivered_to(event: LiveEvent, *, user_id: int, labels: frozenset[str]) -> bool:
    """Whether a stream of ``user_id`` with ``labels`` receives ``event``.

    A person event goes to its people only, and only while they have any label at all
    (deactivated people have none); a content event only to holders of its label.
    """
    if not labels:
        return False
    if event.user_ids:
        return user_id in event.user_ids
    return bool(event.audience) and event.audience in labels


def publish_to_users(user_ids: Iterable[int], event: str, data: dict[str, Any]) -> None:
    """Send ``event`` to the streams of these people, after the transaction commits."""
    ids = tuple(sorted({int(pk) for pk in user_ids}))
    if ids:
        transaction.on_commit(lambda: _publish(event, data, audience="", user_ids=ids))


def publish_to_audience(label: str, event: str, data: dict[str, Any]) -> None:
    """Send ``event`` to every stream whose viewer holds permission label ``label``."""
    if label:
        transaction.on_commit(lambda: _publish(event, data, audience=label, user_ids=()))


def _publish(name: str, data: dict[str, Any], *, audience: str, user_ids: tuple[int, ...]) -> None:
    try:
        backend().publish(name, data, audience=audience, user_ids=user_ids)
    except Exception:
        # A live event is a hint; the page is still right after a reload. Never fail a write.
        logger.exception("could not publish live event %s", name)


# --- the per-process hub: one reader, many streams -------------------------------------------
@dataclass(eq=False)
class Subscription:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[LiveEvent | None] = field(
        default_factory=lambda: asyncio.Queue(maxsize=QUEUE_SIZE)
    )
    overflowed: bool = False

    def offer(self, event: LiveEvent) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True


class Hub:
    """Fans events out to the open streams of this process (thread-safe)."""

    def __init__(self) -> None:
        self._subscriptions: set[Subscription] = set()
        self._lock = threading.Lock()

    def subscribe(self) -> Subscription:
        backend().start_listening()
        subscription = Subscription(loop=asyncio.get_running_loop())
        with self._lock:
            self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)

    def dispatch(self, event: LiveEvent) -> None:
        with self._lock:
            subscriptions = list(self._subscriptions)
        for subscription in subscriptions:
            try:
                subscription.loop.call_soon_threadsafe(subscription.offer, event)
            except RuntimeError:  # its loop is closed
                self.unsubscribe(subscription)

    @property
    def count(self) -> int:
        return len(self._subscriptions)


HUB = Hub()


# --- backends ---------------------------------------------------------------------------------
class EventBackend:
    def __init__(self) -> None:
        self._listening = False
        self._start_lock = threading.Lock()
        self._stop = threading.Event()

    def publish(
        self, name: str, data: dict[str, Any], *, audience: str, user_ids: tuple[int, ...]
    ) -> LiveEvent:
        raise NotImplementedError

    def since(self, last_id: int) -> list[LiveEvent]:
        """Buffered events after ``last_id``, oldest first (at most REPLAY_LIMIT)."""
        raise NotImplementedError

    def latest_id(self) -> int:
        raise NotImplementedError

    def start_listening(self) -> None:
        with self._start_lock:
            if self._listening:
                return
            self._listening = True
        self._stop.clear()
        thread = threading.Thread(target=self._listen, name="hallway-events", daemon=True)
        thread.start()

    def stop_listening(self) -> None:
        """End the reader thread (tests, shutdown); a new subscriber starts it again."""
        with self._start_lock:
            self._listening = False
            self._stop.set()

    def _listen(self) -> None:
        """Read events published by other processes and dispatch them to HUB."""


class MemoryBackend(EventBackend):
    def __init__(self) -> None:
        super().__init__()
        self._ids = itertools.count(1)
        self._buffer: deque[LiveEvent] = deque(maxlen=BUFFER_SIZE)
        self._lock = threading.Lock()

    def publish(
        self, name: str, data: dict[str, Any], *, audience: str, user_ids: tuple[int, ...]
    ) -> LiveEvent:
        with self._lock:
            event = LiveEvent(next(self._ids), name, data, audience, user_ids)
            self._buffer.append(event)
        HUB.dispatch(event)
        return event

    def since(self, last_id: int) -> list[LiveEvent]:
        with self._lock:
            return [event for event in self._buffer if event.id > last_id][:REPLAY_LIMIT]

    def latest_id(self) -> int:
        with self._lock:
            return self._buffer[-1].id if self._buffer else 0

    def start_listening(self) -> None:
        pass  # publish dispatches directly

    def clear(self) -> None:
        with self._lock:
            self._buffer.clear()


class DatabaseBackend(EventBackend):
    POLL_SECONDS = 1.0
    # PostgreSQL may commit ids out of order: rows this recent are re-read and de-duplicated.
    LATE_COMMIT = timedelta(seconds=5)

    def publish(
        self, name: str, data: dict[str, Any], *, audience: str, user_ids: tuple[int, ...]
    ) -> LiveEvent:
        from hallway.core.models import Event

        row = Event.objects.create(name=name, data=data, audience=audience, user_ids=list(user_ids))
        return LiveEvent(row.pk, name, data, audience, user_ids)

    @staticmethod
    def _to_event(row: Any) -> LiveEvent:
        return LiveEvent(row.pk, row.name, row.data, row.audience, tuple(row.user_ids))

    def since(self, last_id: int) -> list[LiveEvent]:
        from hallway.core.models import Event

        rows = Event.objects.filter(
            pk__gt=last_id, created_at__gte=timezone.now() - timedelta(hours=1)
        ).order_by("pk")[:REPLAY_LIMIT]
        return [self._to_event(row) for row in rows]

    def latest_id(self) -> int:
        from hallway.core.models import Event

        return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def _listen(self) -> None:
        from hallway.core.models import Event

        last_id = -1
        seen: dict[int, float] = {}
        while not self._stop.is_set():
            try:
                if last_id < 0:
                    last_id = self.latest_id()
                recent = timezone.now() - self.LATE_COMMIT
                rows = Event.objects.filter(Q(pk__gt=last_id) | Q(created_at__gte=recent))
                for row in rows.order_by("pk")[:REPLAY_LIMIT]:
                    if row.pk in seen:
                        continue
                    seen[row.pk] = time.monotonic()
                    last_id = max(last_id, row.pk)
                    HUB.dispatch(self._to_event(row))
                horizon = time.monotonic() - 2 * self.LATE_COMMIT.total_seconds()
                for pk in [pk for pk, at in seen.items() if at < horizon]:
                    del seen[pk]
            except Exception:
                logger.exception("event poller error")
                connection.close()
            self._stop.wait(self.POLL_SECONDS)
        connection.close()


class RedisBackend(EventBackend):
    def __init__(self, url: str) -> None:
        super().__init__()
        import redis

        self.url = url
        self.client = redis.Redis.from_url(url)

    def publish(
        self, name: str, data: dict[str, Any], *, audience: str, user_ids: tuple[int, ...]
    ) -> LiveEvent:
        event_id = int(self.client.incr("hallway:events:id"))
        event = LiveEvent(event_id, name, data, audience, user_ids)
        payload = event.to_json()
        pipe = self.client.pipeline()
        pipe.zadd("hallway:events:log", {payload: event_id})
        pipe.zremrangebyrank("hallway:events:log", 0, -BUFFER_SIZE - 1)
        pipe.publish(REDIS_CHANNEL, payload)
        pipe.execute()
        return event

    def since(self, last_id: int) -> list[LiveEvent]:
        raw = self.client.zrangebyscore(
            "hallway:events:log", f"({last_id}", "+inf", start=0, num=REPLAY_LIMIT
        )
        return [LiveEvent.from_json(bytes(item)) for item in raw]  # type: ignore[arg-type]

    def latest_id(self) -> int:
        return int(self.client.get("hallway:events:id") or 0)

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                pubsub = self.client.pubsub(ignore_subscribe_messages=True)
                pubsub.subscribe(REDIS_CHANNEL)
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message and message.get("type") == "message":
                        HUB.dispatch(LiveEvent.from_json(bytes(message["data"])))
                pubsub.close()
            except Exception:
                logger.exception("redis event subscriber error; reconnecting")
                self._stop.wait(1.0)


@cache
def backend() -> EventBackend:
    name = settings.HALLWAY_EVENTS_BACKEND
    if name == "memory":
        return MemoryBackend()
    if name == "redis":
        return RedisBackend(settings.HALLWAY_EVENTS_REDIS_URL or "redis://127.0.0.1:6379/0")
    if name == "database":
        return DatabaseBackend()
    raise ValueError(f"HALLWAY_EVENTS_BACKEND: unknown backend {name!r}")
