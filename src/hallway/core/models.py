from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class Task(models.Model):
    """A unit of background work in the embedded queue (see core/tasks.py).

    A worker leases a task; a task whose worker died is picked up again once its lease runs
    out. ``idempotency_key`` lets one effect (an email) be enqueued only once.
    """

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=5)
    run_after = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "run_after"], name="task_ready")]

    def __str__(self) -> str:
        return f"{self.name}#{self.pk} {self.status}"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("audit events are append-only")


class AuditEvent(models.Model):
    """Append-only record of privileged actions, written in the action's transaction."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.CharField(max_length=50, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("audit events are append-only")


class TaskEffect(models.Model):
    """The key of an effect (one email to one person, one webhook call) that has happened.

    ``hallway.core.tasks.effect_once`` inserts the key in the same transaction that performs
    the effect, so a task that re-runs after its worker died skips what is already done.
    """

    key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.key


class PeriodicRun(models.Model):
    """One slot of a periodic task, claimed by exactly one scheduler (unique name + slot)."""

    name = models.CharField(max_length=200)
    slot = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="periodic_run_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.name}@{self.slot}"


class Event(models.Model):
    """A live event in the database event log (the embedded events backend, core/events.py).

    Web processes read new rows once a second and hand them to their open streams; the row
    id is the stream's ``id:`` so ``Last-Event-ID`` can replay what a client missed. Rows
    carry ids and small data only, never content; they are deleted after an hour.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    name = models.CharField(max_length=50)
    data = models.JSONField(default=dict)
    audience = models.CharField(max_length=100, blank=True)
    user_ids = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.name}#{self.pk}"
