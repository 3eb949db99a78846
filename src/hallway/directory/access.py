"""Permission layer for directory imports: network admins only (DESIGN §5)."""

from __future__ import annotations

from django.db.models import QuerySet

from hallway.accounts.access import MAX_DATABASE_ID, can_manage_users
from hallway.core.errors import NotFound, PermissionDenied
from hallway.core.permissions import Viewer
from hallway.directory.models import ImportJob


def import_jobs_visible_to(viewer: Viewer) -> QuerySet[ImportJob]:
    """Every import, for a network admin; PermissionDenied for anyone else."""
    if viewer.user is None:
        raise NotFound
    if not can_manage_users(viewer):
        raise PermissionDenied("Only network admins can import people.")
    return ImportJob.objects.select_related("created_by").defer("content")


def access_import_job_by_id(viewer: Viewer, job_id: int) -> ImportJob:
    jobs = import_jobs_visible_to(viewer)
    if not 0 < job_id <= MAX_DATABASE_ID:
        raise NotFound
    job = jobs.filter(pk=job_id).first()
    if job is None:
        raise NotFound
    return job
