"""Audit log exports: streamed, and themselves audited."""

from __future__ import annotations

from django.db import transaction
from django.http import StreamingHttpResponse
from django.utils import timezone

from hallway.core.audit import record_audit_event
from hallway.core.permissions import Viewer
from hallway.policy.selectors import AuditFilters, audit_events_for, export_csv, export_json


def audited_export(viewer: Viewer, filters: AuditFilters, fmt: str) -> StreamingHttpResponse:
    """Record the export (who, which filters), then stream the rows in keyset chunks.

    The filter is fixed before the record is written, so the export does not contain its
    own entry."""
    events = audit_events_for(viewer, filters)
    latest = events.order_by("-pk").values_list("pk", flat=True).first() or 0
    events = events.filter(pk__lte=latest)
    with transaction.atomic():
        record_audit_event(
            actor=viewer.user, action="audit.export", format=fmt, filters=filters.as_dict()
        )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    if fmt == "json":
        response = StreamingHttpResponse(export_json(events), content_type="application/json")
    else:
        response = StreamingHttpResponse(export_csv(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hallway-audit-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
