"""One task interface (DESIGN §6).

``@task`` registers a function; ``enqueue(fn, **kwargs)`` queues it *after* the current
transaction commits. The embedded backend keeps the queue in the database: the worker
(``hallway worker``, started by ``hallway run``) leases a task, runs it, and retries with
backoff on failure. A task whose worker was killed is run again once its lease expires, so
task bodies must be idempotent (see ``idempotency_key``).
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from hallway.core.models import Task

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
_REGISTRY: dict[str, Callable[..., Any]] = {}
LEASE = timedelta(minutes=5)


def task(fn: F) -> F:
    _REGISTRY[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def _task_name(fn: Callable[..., Any]) -> str:
    name = f"{fn.__module__}.{fn.__qualname__}"
    if name not in _REGISTRY:
        raise ValueError(f"{name} is not registered with @task")
    return name


def enqueue(
    fn: Callable[..., Any],
    *,
    idempotency_key: str | None = None,
    max_attempts: int = 5,
    **kwargs: Any,
) -> None:
    """Queue ``fn(**kwargs)`` to run after the current transaction commits."""
    name = _task_name(fn)
    if settings.HALLWAY_TASKS_EAGER:
        transaction.on_commit(lambda: fn(**kwargs))
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
        claimed.lease_until = now + LEASE
        claimed.save(update_fields=["status", "attempts", "lease_until"])
        return claimed


def run_one() -> bool:
    """Lease and run one ready task. Returns False when none is ready."""
    claimed = _claim_one()
    if claimed is None:
        return False
    fn = _REGISTRY.get(claimed.name)
    try:
        if fn is None:
            raise LookupError(f"unknown task {claimed.name}")
        fn(**claimed.kwargs)
    except Exception:
        error = traceback.format_exc(limit=5)
        logger.exception("task %s failed (attempt %s)", claimed, claimed.attempts)
        if claimed.attempts >= claimed.max_attempts:
            claimed.status = Task.Status.FAILED
            claimed.finished_at = timezone.now()
        else:
            claimed.status = Task.Status.QUEUED
            claimed.run_after = timezone.now() + timedelta(
                seconds=min(3600, 2**claimed.attempts * 5)
            )
        claimed.last_error = error
        claimed.save(update_fields=["status", "run_after", "last_error", "finished_at"])
    else:
        claimed.status = Task.Status.DONE
        claimed.finished_at = timezone.now()
        claimed.save(update_fields=["status", "finished_at"])
    return True


def run_worker(*, poll_seconds: float = 1.0, stop_after: float | None = None) -> None:
    started = time.monotonic()
    while stop_after is None or time.monotonic() - started < stop_after:
        try:
            worked = run_one()
        except Exception:
            logger.exception("worker loop error")
            worked = False
        if not worked:
            connection.close_if_unusable_or_obsolete()
            time.sleep(poll_seconds)
