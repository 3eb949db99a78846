"""Writes for data exports: request, build (in a task), download, expiry — each audited."""

from __future__ import annotations

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hallway.accounts.models import User
from hallway.core.audit import record_audit_event
from hallway.core.email import queue_email
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import viewer_for
from hallway.core.tasks import enqueue, task
from hallway.groups.models import Group, Membership
from hallway.retention.access import can_export_for_ediscovery
from hallway.retention.exports import group_sections, person_sections, personal_sections, write_zip
from hallway.retention.models import DataExport

EDISCOVERY_REASON_MIN = 10
logger = logging.getLogger(__name__)


def do_request_personal_export(*, actor: User) -> DataExport:
    """Ask for a ZIP of one's own data; built in the background. A request while one is
    being prepared returns that one. Audited as ``export.personal``."""
    if not actor.is_active:
        raise PermissionDenied("Sign in to download your data.")
    with transaction.atomic():
        pending = DataExport.objects.filter(
            requested_by=actor, kind=DataExport.Kind.PERSONAL, status=DataExport.Status.PENDING
        ).first()
        if pending is not None:
            return pending
        export = DataExport.objects.create(
            kind=DataExport.Kind.PERSONAL, requested_by=actor, subject_user=actor
        )
        record_audit_event(actor=actor, action="export.personal", target=export)
        enqueue(build_export, export_id=export.pk, idempotency_key=f"export:{export.pk}")
    return export


def do_request_ediscovery_export(
    *, actor: User, reason: str, group: Group | None = None, user: User | None = None
) -> DataExport:
    """A compliance officer exports a group's or a person's content, private and secret
    included. Needs a reason; audited as ``export.ediscovery``; a group's owners are told by
    email (as for a break-glass read)."""
    if not can_export_for_ediscovery(viewer_for(actor)):
        raise PermissionDenied("Only compliance officers export content for eDiscovery.")
    reason = (reason or "").strip()
    if len(reason) < EDISCOVERY_REASON_MIN:
        raise ActionError(
            f"Explain the reason in at least {EDISCOVERY_REASON_MIN} characters.", field="reason"
        )
    if len(reason) > 500:
        raise ActionError("Keep the reason under 500 characters.", field="reason")
    if (group is None) == (user is None):
        raise ActionError("Export either a group or a person.", field="group_id")
    with transaction.atomic():
        export = DataExport.objects.create(
            kind=DataExport.Kind.EDISCOVERY,
            requested_by=actor,
            subject_group=group,
            subject_user=user,
            reason=reason,
        )
        record_audit_event(
            actor=actor,
            action="export.ediscovery",
            target=export,
            group_id=group.pk if group else None,
            user_id=user.pk if user else None,
            reason=reason,
        )
        if group is not None:
            _tell_owners(group=group, actor=actor, reason=reason, export=export)
        enqueue(build_export, export_id=export.pk, idempotency_key=f"export:{export.pk}")
    return export


def _tell_owners(*, group: Group, actor: User, reason: str, export: DataExport) -> None:
    owners = list(
        Membership.objects.filter(
            group=group,
            role=Membership.Role.OWNER,
            state=Membership.State.ACTIVE,
            user__is_active=True,
        ).values_list("user__email", flat=True)
    )
    if not owners:
        return
    queue_email(
        subject=f"The content of {group.name} was exported for eDiscovery",
        to=owners,
        text=(
            f"{actor.name}, a compliance officer, exported the content of the group "
            f"“{group.name}” (its posts, comments, reactions, files and members) for "
            f"eDiscovery.\n\nReason given: {reason}\n\nThis is recorded in the audit log."
        ),
        idempotency_key=f"ediscovery-owners:{export.pk}",
    )


@task
def build_export(*, export_id: int) -> None:
    """Write the ZIP and mark the export ready (link valid HALLWAY_EXPORT_DAYS days)."""
    export = (
        DataExport.objects.filter(pk=export_id)
        .select_related("subject_user", "subject_group", "requested_by")
        .first()
    )
    if export is None or export.status != DataExport.Status.PENDING:
        return
    try:
        _write_export(export)
    except Exception:
        # Shown as “Failed” on the page and in the API; the person can ask again.
        logger.exception("export %s failed", export.pk)
        DataExport.objects.filter(pk=export.pk).update(status=DataExport.Status.FAILED)


def _write_export(export: DataExport) -> None:
    if export.kind == DataExport.Kind.PERSONAL:
        sections, files = personal_sections(export.requested_by)
    elif export.subject_group is not None:
        sections, files = group_sections(export.subject_group)
    else:
        sections, files = person_sections(export.subject_user)  # type: ignore[arg-type]
    now = timezone.now()
    meta = {
        "kind": export.kind,
        "export_id": export.pk,
        "requested_by": export.requested_by_id,
        "subject_user_id": export.subject_user_id,
        "subject_group_id": export.subject_group_id,
        "reason": export.reason,
        "created_at": now,
    }
    with tempfile.TemporaryFile() as handle:
        write_zip(handle, sections=sections, files=files, meta=meta)
        handle.seek(0)
        export.file.save(export.filename, File(handle), save=False)
    export.size = export.file.size
    export.status = DataExport.Status.READY
    export.ready_at = now
    export.expires_at = now + timedelta(days=settings.HALLWAY_EXPORT_DAYS)
    export.save(update_fields=["file", "size", "status", "ready_at", "expires_at"])


def download_url(export: DataExport) -> str:
    return reverse("data_export_download", args=[export.pk])


def do_record_download(*, actor: User, export: DataExport) -> None:
    """Audit a download (``export.download``); the caller has checked access."""
    record_audit_event(actor=actor, action="export.download", target=export, kind=export.kind)


def delete_expired_exports() -> int:
    """Remove the files of expired exports (the rows stay, for the record)."""
    expired = DataExport.objects.filter(
        status=DataExport.Status.READY, expires_at__lte=timezone.now()
    ).exclude(file="")
    count = 0
    for export in expired:
        export.file.delete(save=False)
        DataExport.objects.filter(pk=export.pk).update(file="")
        count += 1
    return count
