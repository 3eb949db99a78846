"""Writes for retention: rules, legal holds and the retention run, each audited."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hallway.accounts.models import User
from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import viewer_for
from hallway.groups.models import Group
from hallway.posts.actions import retire_posts_for_retention
from hallway.retention.access import can_manage_holds, can_manage_retention
from hallway.retention.models import SENSITIVITIES, LegalHold, RetentionRule
from hallway.retention.selectors import expired_posts, rule_rows

MAX_DAYS = 36500  # a hundred years


def _check_days(label: str, days: int | None) -> int | None:
    if label not in SENSITIVITIES:
        raise ActionError(f"Unknown label {label!r}.", field="sensitivity")
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ActionError(f"Keep {label} content between 1 and {MAX_DAYS} days.", field="days")
    return days


def do_set_retention_rules(*, actor: User, days_by_label: dict[str, int | None]) -> None:
    """Set how many days each label's posts are kept (``None``: forever). Labels not given
    keep their rule. Compliance officers and network admins; audited with old and new."""
    if not can_manage_retention(viewer_for(actor)):
        raise PermissionDenied("Only compliance officers and network admins set retention.")
    checked = {label: _check_days(label, days) for label, days in days_by_label.items()}
    with transaction.atomic():
        before = {row.sensitivity: row.days for row in rule_rows()}
        for label, days in checked.items():
            RetentionRule.objects.update_or_create(
                sensitivity=label, defaults={"days": days, "updated_by": actor}
            )
        changed = {label: days for label, days in checked.items() if before[label] != days}
        if changed:
            record_audit_event(
                actor=actor,
                action="retention.rules",
                before={label: before[label] for label in changed},
                after=changed,
            )


def do_place_hold(
    *, actor: User, reason: str, group: Group | None = None, user: User | None = None
) -> LegalHold:
    """Place a legal hold on a group or a person (compliance officers, with a reason):
    retention deletes nothing it covers until it is released. Audited."""
    if not can_manage_holds(viewer_for(actor)):
        raise PermissionDenied("Only compliance officers place legal holds.")
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("Give the reason for the hold.", field="reason")
    if len(reason) > 500:
        raise ActionError("Keep the reason under 500 characters.", field="reason")
    if (group is None) == (user is None):
        raise ActionError("Hold either a group or a person.", field="group_id")
    with transaction.atomic():
        hold = LegalHold.objects.create(group=group, user=user, reason=reason, created_by=actor)
        record_audit_event(
            actor=actor,
            action="retention.hold.place",
            target=hold,
            group_id=group.pk if group else None,
            user_id=user.pk if user else None,
            reason=reason,
        )
    return hold


def do_release_hold(*, actor: User, hold: LegalHold) -> LegalHold:
    """Release an active legal hold (compliance officers). Audited; releasing twice is a
    no-op."""
    if not can_manage_holds(viewer_for(actor)):
        raise PermissionDenied("Only compliance officers release legal holds.")
    if hold.released_at is not None:
        return hold
    with transaction.atomic():
        hold.released_at = timezone.now()
        hold.released_by = actor
        hold.save(update_fields=["released_at", "released_by"])
        record_audit_event(actor=actor, action="retention.hold.release", target=hold)
    return hold


def run_retention(*, now: datetime | None = None) -> dict[str, int]:
    """Apply every rule: soft-delete expired posts in batches of
    ``HALLWAY_RETENTION_BATCH`` (each batch its own transaction), at most
    ``HALLWAY_RETENTION_MAX_BATCHES`` per run (the next run continues). Audited with the
    count per label, even when nothing was deleted."""
    now = now or timezone.now()
    batch = settings.HALLWAY_RETENTION_BATCH
    budget = settings.HALLWAY_RETENTION_MAX_BATCHES
    counts: dict[str, int] = {}
    finished = True
    for row in rule_rows():
        counts[row.sensitivity] = 0
        if row.days is None:
            continue
        expired = expired_posts(sensitivity=row.sensitivity, days=row.days, now=now)
        while True:
            if budget == 0:
                finished = finished and not expired.exists()
                break
            ids = list(expired.order_by("pk").values_list("pk", flat=True)[:batch])
            if not ids:
                break
            counts[row.sensitivity] += retire_posts_for_retention(ids)
            budget -= 1
    record_audit_event(
        actor=None,
        action="retention.run",
        deleted=counts,
        total=sum(counts.values()),
        finished=finished,
    )
    return counts
