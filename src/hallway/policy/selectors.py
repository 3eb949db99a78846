"""Reads for the policy pages and API: the audit log with filters and exports, the review
queue, and who will read a post (the composer's audience check)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.core.models import AuditEvent
from hallway.core.permissions import Viewer
from hallway.groups.access import people_who_can_read
from hallway.groups.models import Group
from hallway.policy.access import audit_events_visible_to, decisions_visible_to
from hallway.policy.models import PolicyDecision

EXPORT_CHUNK = 500
EXPORT_MAX = 1_000_000


# --- audit log ------------------------------------------------------------------------------
@dataclass
class AuditFilters:
    actor_id: int | None = None
    action: str = ""
    target_type: str = ""
    since: date | datetime | None = None
    until: date | datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            key: (value.isoformat() if isinstance(value, date | datetime) else value)
            for key, value in self.__dict__.items()
            if value not in (None, "")
        }


def _aware(value: date | datetime, *, end: bool) -> datetime:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(datetime.combine(value, time.max if end else time.min))


def audit_events_for(viewer: Viewer, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The audit events this viewer may read, filtered; ``action`` ending in ``.`` is a
    prefix (``policy.`` for every policy decision)."""
    events = audit_events_visible_to(viewer)
    if filters.actor_id:
        events = events.filter(actor_id=filters.actor_id)
    if filters.action:
        if filters.action.endswith("."):
            events = events.filter(action__startswith=filters.action)
        else:
            events = events.filter(action=filters.action)
    if filters.target_type:
        events = events.filter(target_type=filters.target_type)
    if filters.since:
        events = events.filter(created_at__gte=_aware(filters.since, end=False))
    if filters.until:
        events = events.filter(created_at__lte=_aware(filters.until, end=True))
    return events.select_related("actor")


def audit_page(
    events: QuerySet[AuditEvent], *, before: int | None, limit: int
) -> tuple[list[AuditEvent], int | None]:
    """Newest first, by id (keyset: the same cost at any depth)."""
    if before:
        events = events.filter(pk__lt=before)
    rows = list(events.order_by("-pk")[: limit + 1])
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1].pk
    return rows, None


def audit_actions(viewer: Viewer) -> list[str]:
    return list(
        audit_events_visible_to(viewer)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )


def audit_event_json(event: AuditEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "created_at": event.created_at,
        "actor": (
            {"id": event.actor.pk, "name": event.actor.name, "email": event.actor.email}
            if event.actor is not None
            else None
        ),
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "ip_address": event.ip_address,
        "data": event.data,
    }


CSV_COLUMNS = ["id", "created_at", "actor_id", "actor_email", "action", "target_type",
               "target_id", "ip_address", "data"]  # fmt: skip


def _chunks(events: QuerySet[AuditEvent]) -> Iterator[list[AuditEvent]]:
    """Keyset chunks, newest first: bounded memory whatever the log's length."""
    before: int | None = None
    sent = 0
    while sent < EXPORT_MAX:
        chunk = events.order_by("-pk")
        if before is not None:
            chunk = chunk.filter(pk__lt=before)
        rows = list(chunk[:EXPORT_CHUNK])
        if not rows:
            return
        yield rows
        sent += len(rows)
        before = rows[-1].pk


def export_csv(events: QuerySet[AuditEvent]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return value

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for rows in _chunks(events):
        for event in rows:
            writer.writerow(
                [
                    event.pk,
                    event.created_at.isoformat(),
                    event.actor_id or "",
                    event.actor.email if event.actor is not None else "",
                    event.action,
                    event.target_type,
                    event.target_id,
                    event.ip_address or "",
                    _csv_safe(json.dumps(event.data, ensure_ascii=False, sort_keys=True)),
                ]
            )
        yield flush()


def _csv_safe(value: str) -> str:
    """No formula injection when the CSV is opened in a spreadsheet."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


def export_json(events: QuerySet[AuditEvent]) -> Iterator[str]:
    yield "["
    first = True
    for rows in _chunks(events):
        for event in rows:
            item = audit_event_json(event)
            item["created_at"] = event.created_at.isoformat()
            yield ("" if first else ",\n") + json.dumps(item, ensure_ascii=False, sort_keys=True)
            first = False
    yield "]\n"


# --- review queue and the author's decisions ------------------------------------------------
def held_queue(viewer: Viewer) -> QuerySet[PolicyDecision]:
    return (
        decisions_visible_to(viewer)
        .filter(state=PolicyDecision.State.PENDING)
        .select_related("author", "post", "comment", "post__group", "post__company")
        .order_by("id")
    )


def decisions_of_author(viewer: Viewer) -> QuerySet[PolicyDecision]:
    if viewer.user is None:
        return PolicyDecision.objects.none()
    return (
        decisions_visible_to(viewer)
        .filter(author=viewer.user)
        .select_related("post", "comment", "reviewer")
        .order_by("-id")
    )


def held_decision_for_post(viewer: Viewer, post_id: int) -> PolicyDecision | None:
    """The latest hold decision on the viewer's own post (for the banner on its page)."""
    if viewer.user is None:
        return None
    return (
        decisions_of_author(viewer)
        .filter(post_id=post_id, comment__isnull=True, release_audience__gt="")
        .first()
    )


# --- who will read a post -------------------------------------------------------------------
@dataclass
class AudienceSummary:
    count: int
    guests: int
    guest_companies: list[tuple[str, int]] = field(default_factory=list)
    sensitivity: str = ""
    is_external: bool = False

    @property
    def worth_showing(self) -> bool:
        """Shown when guests can read it, or the label is confidential or restricted."""
        return self.guests > 0 or self.sensitivity in {"confidential", "restricted"}

    @property
    def sentence(self) -> str:
        people = f"{self.count} {'person' if self.count == 1 else 'people'}"
        if not self.guests:
            return f"{people} can read this."
        companies = [name for name, _ in self.guest_companies]
        where = companies[0] if len(companies) == 1 else ", ".join(companies)
        guests = f"{self.guests} {'guest' if self.guests == 1 else 'guests'}"
        return f"{people}, including {guests} from {where}, can read this."

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "guests": self.guests,
            "guest_companies": [{"name": n, "guests": c} for n, c in self.guest_companies],
            "sensitivity": self.sensitivity,
            "is_external": self.is_external,
            "show_warning": self.worth_showing,
            "summary": self.sentence,
        }


def audience_summary(*, group: Group | None, company: Company | None) -> AudienceSummary:
    """How many active people hold the container's label, and the guests among them by
    company (two queries; through groups.access.people_who_can_read, the permission layer)."""
    from hallway.posts.access import audience_for

    readers = people_who_can_read(audience_for(group=group, company=company))
    total = readers.count()
    by_company = list(
        readers.filter(kind=User.Kind.GUEST)
        .order_by()
        .values("company__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "company__name")
    )
    guests = [(row["company__name"], row["n"]) for row in by_company]
    return AudienceSummary(
        count=total,
        guests=sum(n for _, n in guests),
        guest_companies=guests,
        sensitivity=group.sensitivity if group is not None else "",
        is_external=bool(group is not None and group.is_external),
    )
