"""Thin tasks: the daily retention run and export expiry (ADR 0006 periodic tasks, ADR 0015).
The export builder itself is ``export_actions.build_export``."""

from __future__ import annotations

from datetime import timedelta

from hallway.core.tasks import periodic
from hallway.retention.actions import run_retention
from hallway.retention.export_actions import delete_expired_exports


@periodic(every=timedelta(days=1))
def apply_retention_rules() -> dict[str, int]:
    """Delete what the retention rules say has expired, once a day."""
    return run_retention()


@periodic(every=timedelta(hours=1))
def expire_data_exports() -> int:
    """Remove export files past their seven days."""
    return delete_expired_exports()
