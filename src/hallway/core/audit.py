"""Write audit events inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from hallway.core.models import AuditEvent


def record_audit_event(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    ip_address: str | None = None,
    **data: Any,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        ip_address=ip_address,
        data=data,
    )
