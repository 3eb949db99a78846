"""Retention rules per sensitivity label and legal holds (docs/adr/0015-retention-and-export.md).

A rule says how long content of one label is kept; a legal hold on a group or a person
exempts everything it covers from every rule until it is released.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

SENSITIVITIES = ("general", "internal", "confidential", "restricted")


class RetentionRule(models.Model):
    """Keep posts of one sensitivity label for ``days`` days (``None``: keep forever)."""

    sensitivity = models.CharField(max_length=12, unique=True)
    days = models.PositiveIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.sensitivity}: {self.days or 'forever'}"


class LegalHold(models.Model):
    """A hold on a group or a person; active while ``released_at`` is empty."""

    group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="legal_holds",
    )
    reason = models.CharField(max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(group__isnull=False, user__isnull=True)
                    | models.Q(group__isnull=True, user__isnull=False)
                ),
                name="legal_hold_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"hold on {'group' if self.group_id else 'user'} {self.group_id or self.user_id}"


def export_storage() -> Any:
    """Exports live outside MEDIA_ROOT (never served directly): only the access-checked
    download view reads them."""
    from django.core.files.storage import FileSystemStorage

    return FileSystemStorage(location=settings.HALLWAY_EXPORT_ROOT)


class DataExport(models.Model):
    """A ZIP of JSON and files: a person's own data (GDPR), or a compliance officer's
    eDiscovery export of a group's or a person's content. Built by a background task."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", "Your data"
        EDISCOVERY = "ediscovery", "eDiscovery"

    class Status(models.TextChoices):
        PENDING = "pending", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_group = models.ForeignKey(
        "groups.Group", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(storage=export_storage, upload_to="exports/", blank=True)
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} export {self.pk}"

    @property
    def filename(self) -> str:
        return f"hallway-{self.kind}-export-{self.pk}.zip"
