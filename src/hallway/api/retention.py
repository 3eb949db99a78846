"""API of retention rules and legal holds (docs/adr/0015-retention-and-export.md).

- ``/retention/rules``: compliance officers and network admins read and set how long each
  sensitivity label's posts are kept; ``PUT`` with ``dry_run`` only counts.
- ``/retention/holds``: compliance officers place and release legal holds; network admins
  may read them.
- ``/me/export`` and ``/me/exports``: a person asks for a ZIP of their own data and sees when
  it is ready; the download link works for them only, for 7 days.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from hallway.api.auth import api_viewer
from hallway.api.pagination import PageParams, page_by_newest
from hallway.api.schemas import Id, ShortText, responses
from hallway.core.errors import PermissionDenied
from hallway.core.permissions import Viewer
from hallway.profiles.access import access_person_by_id
from hallway.retention.access import (
    access_hold_by_id,
    access_hold_group_by_id,
    can_manage_holds,
    can_manage_retention,
    exports_visible_to,
    holds_visible_to,
)
from hallway.retention.actions import (
    MAX_DAYS,
    do_place_hold,
    do_release_hold,
    do_set_retention_rules,
)
from hallway.retention.export_actions import do_request_personal_export, download_url
from hallway.retention.models import DataExport, LegalHold
from hallway.retention.selectors import dry_run, rule_rows

router = Router(tags=["retention"])

Sensitivity = Literal["general", "internal", "confidential", "restricted"]


class RetentionRuleOut(Schema):
    sensitivity: Sensitivity
    days: int | None = Field(description="Posts older than this are deleted; null: kept forever.")
    would_delete: int = Field(description="Posts the rule would delete if it ran now.")


class RetentionRuleList(Schema):
    results: list[RetentionRuleOut]
    next: str | None


class RetentionRuleIn(Schema):
    sensitivity: Sensitivity
    days: int | None = Field(None, ge=1, le=MAX_DAYS)


class RetentionRulesIn(Schema):
    rules: list[RetentionRuleIn] = Field(max_length=4)
    dry_run: bool = Field(False, description="Only count what these rules would delete now.")


class HoldTargetOut(Schema):
    id: int
    name: str


class HoldOut(Schema):
    id: int
    group: HoldTargetOut | None
    user: HoldTargetOut | None
    reason: str
    created_by: HoldTargetOut | None
    created_at: datetime
    released_at: datetime | None
    active: bool


class HoldList(Schema):
    results: list[HoldOut]
    next: str | None


class HoldIn(Schema):
    group_id: Id | None = None
    user_id: Id | None = None
    reason: ShortText


def _managing_viewer(request: HttpRequest) -> Viewer:
    viewer = api_viewer(request)
    if not can_manage_retention(viewer):
        raise PermissionDenied("Only compliance officers and network admins manage retention.")
    return viewer


def _target(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def hold_json(hold: LegalHold) -> dict[str, Any]:
    return {
        "id": hold.pk,
        "group": _target(hold.group),
        "user": _target(hold.user),
        "reason": hold.reason,
        "created_by": _target(hold.created_by),
        "created_at": hold.created_at,
        "released_at": hold.released_at,
        "active": hold.released_at is None,
    }


def _rules_json(days: dict[str, int | None]) -> dict[str, Any]:
    counts = dry_run(now=timezone.now(), days_by_label=days)
    return {
        "results": [
            {"sensitivity": label, "days": value, "would_delete": counts[label]}
            for label, value in days.items()
        ],
        "next": None,
    }


@router.get(
    "/retention/rules", response=responses({200: RetentionRuleList}), summary="Retention rules"
)
def list_retention_rules(request: HttpRequest) -> dict[str, Any]:
    """One rule per sensitivity label, with what it would delete if it ran now."""
    _managing_viewer(request)
    return _rules_json({row.sensitivity: row.days for row in rule_rows()})


@router.put(
    "/retention/rules", response=responses({200: RetentionRuleList}), summary="Set retention"
)
def set_retention_rules(request: HttpRequest, body: RetentionRulesIn) -> dict[str, Any]:
    """Set the given labels' rules (others unchanged), or with ``dry_run`` only count."""
    viewer = _managing_viewer(request)
    wanted: dict[str, int | None] = {rule.sensitivity: rule.days for rule in body.rules}
    if not body.dry_run:
        do_set_retention_rules(actor=viewer.user, days_by_label=wanted)  # type: ignore[arg-type]
    days = {row.sensitivity: row.days for row in rule_rows()}
    if body.dry_run:
        days.update(wanted)
    return _rules_json(days)


@router.get("/retention/holds", response=responses({200: HoldList}), summary="Legal holds")
def list_holds(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """Every legal hold, newest first."""
    viewer = _managing_viewer(request)
    holds, cursor = page_by_newest(holds_visible_to(viewer), params)
    return {"results": [hold_json(hold) for hold in holds], "next": cursor}


@router.post("/retention/holds", response=responses({201: HoldOut}), summary="Place a legal hold")
def place_hold(request: HttpRequest, body: HoldIn) -> Status:
    """Hold a group or a person (compliance officers, with a reason)."""
    viewer = _managing_viewer(request)
    if not can_manage_holds(viewer):
        raise PermissionDenied("Only compliance officers place legal holds.")
    group = access_hold_group_by_id(viewer, body.group_id) if body.group_id else None
    user = access_person_by_id(viewer, body.user_id) if body.user_id else None
    hold = do_place_hold(actor=viewer.user, reason=body.reason, group=group, user=user)  # type: ignore[arg-type]
    return Status(201, hold_json(hold))


@router.delete(
    "/retention/holds/{hold_id}", response=responses({204: None}), summary="Release a hold"
)
def release_hold(request: HttpRequest, hold_id: Id) -> Status:
    viewer = _managing_viewer(request)
    if not can_manage_holds(viewer):
        raise PermissionDenied("Only compliance officers release legal holds.")
    do_release_hold(actor=viewer.user, hold=access_hold_by_id(viewer, hold_id))  # type: ignore[arg-type]
    return Status(204, None)


# --- a person's own data ----------------------------------------------------------------------
class DataExportOut(Schema):
    id: int
    status: Literal["pending", "ready", "failed"]
    created_at: datetime
    ready_at: datetime | None
    expires_at: datetime | None
    size: int = Field(description="Bytes of the ZIP once ready.")
    download_url: str | None = Field(
        description="While ready and not expired: the ZIP (signed-in browser session, you only)."
    )


class DataExportList(Schema):
    results: list[DataExportOut]
    next: str | None


def export_json(export: DataExport) -> dict[str, Any]:
    ready = (
        export.status == DataExport.Status.READY
        and bool(export.file)
        and export.expires_at is not None
        and export.expires_at > timezone.now()
    )
    return {
        "id": export.pk,
        "status": export.status,
        "created_at": export.created_at,
        "ready_at": export.ready_at,
        "expires_at": export.expires_at,
        "size": export.size,
        "download_url": download_url(export) if ready else None,
    }


@router.post("/me/export", response=responses({202: DataExportOut}), summary="Download your data")
def request_my_export(request: HttpRequest) -> Status:
    """Prepare a ZIP of your own data in the background (one at a time)."""
    viewer = api_viewer(request)
    export = do_request_personal_export(actor=viewer.user)  # type: ignore[arg-type]
    export.refresh_from_db()
    return Status(202, export_json(export))


@router.get("/me/exports", response=responses({200: DataExportList}), summary="Your data exports")
def list_my_exports(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """Your data exports, newest first."""
    viewer = api_viewer(request)
    exports = exports_visible_to(viewer).filter(kind=DataExport.Kind.PERSONAL)
    rows, cursor = page_by_newest(exports, params)
    return {"results": [export_json(export) for export in rows], "next": cursor}
