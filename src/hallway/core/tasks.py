"""One task interface (DESIGN §6, docs/adr/0006-background-work-and-live-events.md).

``@task`` registers a function; ``enqueue(fn, **kwargs)`` queues it *after* the current
transaction commits; ``@periodic(every=...)`` runs a task once per time slot. The backend is
chosen by settings, the code never knows which one runs it:

- ``database`` (embedded default): the queue is the ``Task`` table. The worker (``hallway
  worker``, started by ``hallway run``) leases a task, runs it and retries with backoff; a task
  whose worker was killed is run again once its lease expires.
- ``celery`` (production, ``HALLWAY_TASK_BACKEND=redis`` or ``TASK_BROKER_URL=redis://…``):
  Celery on Redis with late acknowledgement, so a message whose worker died is delivered
  again after the visibility timeout; retries with the same backoff.

Either way a task can run twice, so effects that must happen once go through
``effect_once(key)``: the key is written in the transaction that performs the effect.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from hallway.core.models import Event, PeriodicRun, Task, TaskEffect

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
_REGISTRY: dict[str, Callable[..., Any]] = {}


def lease() -> timedelta:
    return timedelta(seconds=settings.HALLWAY_TASK_LEASE_SECONDS)


def backoff_seconds(attempt: int) -> int:
    """Seconds to wait before retry number ``attempt`` (1, 2, …): 10 s, 20 s, 40 s … ≤ 1 h."""
    return min(3600, 2**attempt * 5)


def task(fn: F) -> F:
    _REGISTRY[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def _task_name(fn: Callable[..., Any]) -> str:
    name = f"{fn.__module__}.{fn.__qualname__}"
    if name not in _REGISTRY:
        raise ValueError(f"{name} is not registered with @task")
    return name


def resolve(name: str) -> Callable[..., Any]:
    """The registered task called ``name``, importing its module if needed."""
    if name not in _REGISTRY:
        module = name.rsplit(".", 1)[0]
        with suppress(ImportError):
            importlib.import_module(module)
    fn = _REGISTRY.get(name)
    if fn is None:
        raise LookupError(f"unknown task {name}")
    return fn


def backend_name() -> str:
    return "celery" if settings.HALLWAY_TASK_BACKEND in {"celery", "redis"} else "database"


def enqueue(
    fn: Callable[..., Any],
    *,
    idempotency_key: str | None = None,
    max_attempts: int = 5,
    **kwargs: Any,
) -> None:
    """Queue ``fn(**kwargs)`` to run after the current transaction commits.

    ``idempotency_key`` queues the task once, however often it is enqueued.
    """
    name = _task_name(fn)
    if settings.HALLWAY_TASKS_EAGER:
        transaction.on_commit(lambda: fn(**kwargs))
        return
    if backend_name() == "celery":
        from hallway.core import celery_app

        transaction.on_commit(
            lambda: celery_app.send(
                name, kwargs, idempotency_key=idempotency_key, max_attempts=max_attempts
            )
        )
        return

    def _insert() -> None:
        try:
            with transaction.atomic():
                Task.objects.create(
                    name=name,
                    kwargs=kwargs,
                    idempotency_key=idempotency_key,
                    max_attempts=max_attempts,
                )
        except IntegrityError:
            logger.info("task %s with key %s already queued", name, idempotency_key)

    transaction.on_commit(_insert)


# --- effects that happen once ---------------------------------------------------------------
@contextmanager
def effect_once(key: str) -> Iterator[bool]:
    """Perform an effect at most once per ``key``, even when the task runs again.

    ``with effect_once(f"digest:{week}:{user_id}") as first: if first: send(...)`` — the key
    is inserted in a transaction that stays open while the block runs: if the block raises or
    the process dies, the transaction rolls back and a re-run performs the effect; once it
    commits, every later run gets ``False``. On PostgreSQL a second worker running the same
    key concurrently waits on the row lock, then gets ``False``. The one window left is a
    crash after the remote side accepted the effect and before the commit (microseconds).
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                TaskEffect.objects.create(key=key[:255])
        except IntegrityError:
            yield False
            return
        yield True


def for_each_once(prefix: str, items: list[Any], effect: Callable[[Any], None]) -> int:
    """Run ``effect(item)`` once per item under the keys ``prefix:item``; returns how many ran."""
    done = 0
    for item in items:
        with effect_once(f"{prefix}:{item}") as first:
            if first:
                effect(item)
                done += 1
    return done


# --- the embedded database backend ------------------------------------------------------------
def _claim_one() -> Task | None:
    now = timezone.now()
    ready = Q(status=Task.Status.QUEUED, run_after__lte=now) | Q(
        status=Task.Status.RUNNING, lease_until__lt=now
    )
    with transaction.atomic():
        candidates = Task.objects.filter(ready).order_by("run_after", "id")
        if connection.vendor == "postgresql":
            candidates = candidates.select_for_update(skip_locked=True)
        claimed = candidates.first()
        if claimed is None:
            return None
        claimed.status = Task.Status.RUNNING
        claimed.attempts += 1
        claimed.lease_until = now + lease()
        claimed.save(update_fields=["status", "attempts", "lease_until"])
        return claimed


def run_one() -> bool:
    """Lease and run one ready task. Returns False when none is ready."""
    claimed = _claim_one()
    if claimed is None:
        return False
    try:
        resolve(claimed.name)(**claimed.kwargs)
    except Exception:
        error = traceback.format_exc(limit=5)
        logger.exception("task %s failed (attempt %s)", claimed, claimed.attempts)
        if claimed.attempts >= claimed.max_attempts:
            claimed.status = Task.Status.FAILED
            claimed.finished_at = timezone.now()
        else:
            claimed.status = Task.Status.QUEUED
            claimed.run_after = timezone.now() + timedelta(
                seconds=backoff_seconds(claimed.attempts)
            )
        claimed.last_error = error
        claimed.save(update_fields=["status", "run_after", "last_error", "finished_at"])
    else:
        claimed.status = Task.Status.DONE
        claimed.finished_at = timezone.now()
        claimed.save(update_fields=["status", "finished_at"])
    return True


def run_worker(
    *, poll_seconds: float = 1.0, stop_after: float | None = None, schedule: bool = True
) -> None:
    """The embedded worker loop; it also runs the periodic scheduler every few seconds."""
    started = time.monotonic()
    next_tick = 0.0
    while stop_after is None or time.monotonic() - started < stop_after:
        if schedule and time.monotonic() >= next_tick:
            try:
                schedule_due()
            except Exception:
                logger.exception("scheduler error")
            next_tick = time.monotonic() + SCHEDULER_TICK_SECONDS
        try:
            worked = run_one()
        except Exception:
            logger.exception("worker loop error")
            worked = False
        if not worked:
            connection.close_if_unusable_or_obsolete()
            time.sleep(poll_seconds)


# --- periodic tasks ---------------------------------------------------------------------------
SCHEDULER_TICK_SECONDS = 5.0


@dataclass(frozen=True)
class Periodic:
    name: str
    fn: Callable[..., Any]
    every: timedelta


PERIODIC: dict[str, Periodic] = {}


def periodic(*, every: timedelta) -> Callable[[F], F]:
    """Register a task to run once per ``every`` (slots aligned on the Unix epoch, UTC).

    Every worker runs the scheduler; the unique (name, slot) row of ``PeriodicRun`` lets only
    one of them enqueue a slot.
    """
    if every < timedelta(seconds=SCHEDULER_TICK_SECONDS):
        raise ValueError("periodic tasks run at most every few seconds")

    def register(fn: F) -> F:
        task(fn)
        name = _task_name(fn)
        PERIODIC[name] = Periodic(name=name, fn=fn, every=every)
        return fn

    return register


def slot_of(every: timedelta, now: datetime) -> int:
    return int(now.timestamp() // every.total_seconds())


def schedule_due(now: datetime | None = None) -> list[str]:
    """Enqueue each periodic task whose current slot nobody has claimed yet."""
    now = now or timezone.now()
    started: list[str] = []
    for entry in PERIODIC.values():
        slot = slot_of(entry.every, now)
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(name=entry.name, slot=slot)
                enqueue(entry.fn, idempotency_key=f"periodic:{entry.name}:{slot}")
        except IntegrityError:
            continue
        started.append(entry.name)
    return started


def run_scheduler(*, stop: threading.Event | None = None) -> None:
    """The scheduler loop alone (``hallway scheduler``, or a thread of a Celery worker)."""
    stop = stop or threading.Event()
    while not stop.is_set():
        try:
            schedule_due()
        except Exception:
            logger.exception("scheduler error")
        connection.close_if_unusable_or_obsolete()
        stop.wait(SCHEDULER_TICK_SECONDS)


# --- housekeeping -----------------------------------------------------------------------------
@periodic(every=timedelta(hours=1))
def cleanup_finished_work() -> dict[str, int]:
    """Delete finished tasks, old periodic slots, old effect keys and old live events."""
    now = timezone.now()
    keep = timedelta(days=settings.HALLWAY_TASK_RETENTION_DAYS)
    counts = {
        "tasks": Task.objects.filter(
            status__in=[Task.Status.DONE, Task.Status.FAILED], finished_at__lt=now - keep
        ).delete()[0],
        "periodic_runs": PeriodicRun.objects.filter(created_at__lt=now - keep).delete()[0],
        # Effect keys must outlive any retry of their task (≤ a day); a month is plenty.
        "effects": TaskEffect.objects.filter(
            created_at__lt=now - max(keep, timedelta(days=30))
        ).delete()[0],
        "events": Event.objects.filter(created_at__lt=now - timedelta(hours=1)).delete()[0],
    }
    logger.info("cleanup: %s", counts)
    return counts
