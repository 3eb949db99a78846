"""Writes for the directory import: plan (dry run) or apply a people CSV, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from hallway.accounts.actions import do_create_user
from hallway.accounts.models import User
from hallway.companies.models import Company
from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError
from hallway.core.tasks import enqueue, task
from hallway.directory.importer import ProgressFn, Report, Row, differences, parse
from hallway.directory.models import ImportJob
from hallway.profiles.actions import do_update_profile, ensure_profile
from hallway.profiles.models import Location
from hallway.scim.actions import team_for_department

PROGRESS_EVERY = 25


def plan_import(text: str) -> Report:
    """Dry run: every error by line, and what a real run would create, update or leave."""
    rows, errors = parse(text)
    report = Report(errors=errors)
    existing = {
        u.email: u
        for u in User.objects.filter(email__in=[r.email for r in rows]).select_related(
            "profile__team", "profile__location", "profile__manager"
        )
    }
    for row in rows:
        user = existing.get(row.email)
        if user is None:
            report.created += 1
        elif differences(user, row):
            report.updated += 1
        else:
            report.unchanged += 1
    return report


def _location(name: str) -> Location | None:
    if not name:
        return None
    location, _ = Location.objects.get_or_create(name=name)
    return location


def _apply_row(actor: User | None, row: Row, *, with_manager: bool) -> str:
    """Create or update one person (managers in a second pass). Returns what happened."""
    user = User.objects.filter(email=row.email).select_related("profile").first()
    outcome = "unchanged"
    if user is None:
        company = (
            Company.objects.filter(name__iexact=row.company).exclude(kind=Company.Kind.HOST).first()
            if row.kind == User.Kind.GUEST
            else None
        )
        user = do_create_user(
            actor=actor, email=row.email, name=row.name, kind=row.kind, company=company
        )
        outcome = "created"
    changes = differences(user, row)
    if with_manager:
        changes = {k: v for k, v in changes.items() if k == "manager"}
    else:
        changes.pop("manager", None)
    if changes:
        values: dict[str, Any] = {}
        for key, value in changes.items():
            if key == "team":
                values["team"] = team_for_department(value) if value else None
            elif key == "location":
                values["location"] = _location(value)
            elif key == "manager":
                values["manager"] = User.objects.filter(email=value).first() if value else None
            else:
                values[key] = value
        values["policy_justification"] = "Imported from the company directory (CSV)."
        do_update_profile(actor=user, profile=ensure_profile(user), changes=values)
        if outcome == "unchanged":
            outcome = "updated"
    return outcome


def do_import_people(
    *, actor: User | None, text: str, progress: ProgressFn | None = None
) -> Report:
    """Apply a people CSV: people first, then manager links. Lines with errors are skipped."""
    rows, errors = parse(text)
    report = Report(errors=list(errors))
    outcomes: dict[str, str] = {}
    for number, row in enumerate(rows, start=1):
        try:
            with transaction.atomic():
                outcomes[row.email] = _apply_row(actor, row, with_manager=False)
        except ActionError as error:
            report.errors.append((row.line, error.message))
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number)
    for row in rows:
        if row.email not in outcomes:
            continue
        try:
            with transaction.atomic():
                outcome = _apply_row(actor, row, with_manager=True)
        except ActionError as error:
            report.errors.append((row.line, error.message))
            continue
        if outcome == "updated" and outcomes[row.email] == "unchanged":
            outcomes[row.email] = "updated"
    for outcome in outcomes.values():
        if outcome == "created":
            report.created += 1
        elif outcome == "updated":
            report.updated += 1
        elif outcome == "unchanged":
            report.unchanged += 1
    report.errors.sort()
    record_audit_event(
        actor=actor,
        action="directory.import",
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        errors=len(report.errors),
    )
    return report


def do_start_import(*, actor: User, filename: str, text: str) -> ImportJob:
    """Queue a real import in the background; its page shows progress and the report."""
    rows, _ = parse(text)
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor, filename=filename[:255], content=text, total=len(rows)
        )
        record_audit_event(actor=actor, action="directory.import_start", target=job, rows=len(rows))
        enqueue(run_import_job, idempotency_key=f"directory-import:{job.pk}", job_id=job.pk)
    return job


@task
def run_import_job(*, job_id: int) -> None:
    job = ImportJob.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or job.is_finished:
        return
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, processed=0)

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed=done)

    try:
        report = do_import_people(actor=job.created_by, text=job.content, progress=progress)
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now()
        )
        raise
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE,
        processed=job.total,
        report=report.as_dict(),
        finished_at=timezone.now(),
    )
