"""The production task backend: Celery on Redis with late acknowledgement (ADR 0006).

One generic Celery task runs any ``@task`` function by its registered name, so the code keeps
one interface (``hallway.core.tasks``). ``acks_late`` + ``reject_on_worker_lost``: a message
is acknowledged only after the function returned; if the worker dies, Redis hands the message
to a worker again once the visibility timeout has passed.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Any

from celery import Celery
from django.conf import settings

logger = logging.getLogger(__name__)

QUEUE = "hallway"


def broker_url() -> str:
    return settings.TASK_BROKER_URL


@cache
def app() -> Celery:
    celery = Celery("hallway")
    celery.conf.update(
        broker_url=broker_url(),
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": settings.HALLWAY_TASK_VISIBILITY_TIMEOUT,
            "global_keyprefix": "hallway:",
            # Sweep for messages of dead workers every visibility/4 seconds (≤ 60 s).
            "unacked_restore_interval": max(
                1, min(60, settings.HALLWAY_TASK_VISIBILITY_TIMEOUT // 4)
            ),
            "unacked_restore_throttle": 1,
        },
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        result_backend=None,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        timezone="UTC",
    )
    celery.task(bind=True, name="hallway.run_task", acks_late=True)(_run_task)
    return celery


def _run_task(self: Any, name: str, kwargs: dict[str, Any], max_attempts: int = 5) -> None:
    from hallway.core.tasks import backoff_seconds, resolve

    try:
        resolve(name)(**kwargs)
    except Exception as exc:
        attempt = self.request.retries + 1
        if attempt >= max_attempts:
            logger.exception("task %s failed for good after %s attempts", name, attempt)
            raise
        logger.warning("task %s failed (attempt %s), retrying", name, attempt, exc_info=True)
        raise self.retry(exc=exc, countdown=backoff_seconds(attempt), max_retries=None) from exc


@cache
def _redis() -> Any:
    import redis

    return redis.Redis.from_url(broker_url())


def send(
    name: str, kwargs: dict[str, Any], *, idempotency_key: str | None, max_attempts: int
) -> None:
    """Publish one task (called on commit). A key already seen in a week is not queued again."""
    if idempotency_key is not None and not _redis().set(
        f"hallway:task-key:{idempotency_key}", 1, nx=True, ex=7 * 24 * 3600
    ):
        logger.info("task %s with key %s already queued", name, idempotency_key)
        return
    app().send_task(
        "hallway.run_task",
        kwargs={"name": name, "kwargs": kwargs, "max_attempts": max_attempts},
        queue=QUEUE,
    )


def run_worker(*, concurrency: int, pool: str = "prefork", loglevel: str = "INFO") -> None:
    """Run a Celery worker in this process (``hallway worker`` with the Redis backend)."""
    app().worker_main(
        [
            "worker",
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            f"--loglevel={loglevel}",
            f"--queues={QUEUE}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )
