"""API of content policies, the audit log and the composer's audience check.

- ``/policy/rules`` and ``/policy/test``: network admins and compliance officers (403 for
  everyone else).
- ``/audit`` and ``/audit/export``: compliance officers and network admins, read-only; an
  export is itself audited.
- ``/posts/audience``: who will be able to read a post in a container.

A policy block or warning on any write answers 422 ``{"detail", "rule", "action", …}``
(``install_policy_error_handler``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import NinjaAPI, Query, Router, Schema, Status
from pydantic import Field

from hallway.api.auth import api_viewer
from hallway.api.pagination import PageParams, decode, encode
from hallway.api.schemas import Id, LongText, ShortText, Text, responses
from hallway.companies.access import access_company_by_id
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import Viewer
from hallway.groups.access import access_group_by_id
from hallway.policy.access import (
    access_rule_by_id,
    can_manage_policy,
    can_read_audit_log,
    rules_visible_to,
)
from hallway.policy.actions import do_create_rule, do_delete_rule, do_update_rule
from hallway.policy.errors import PolicyError, PolicyWarning
from hallway.policy.exports import audited_export
from hallway.policy.models import PolicyRule
from hallway.policy.selectors import (
    AuditFilters,
    audience_summary,
    audit_event_json,
    audit_events_for,
    audit_page,
)
from hallway.policy.trial import try_rules
from hallway.posts.access import can_post_to

router = Router(tags=["policy"])

Detector = Literal[
    "card_number", "iban", "national_id", "private_key", "api_key", "email", "phone",
    "keywords", "regex",
]  # fmt: skip
Destination = Literal["all", "external", "label_at_most", "network"]
Action = Literal["block", "hold", "warn", "redact"]
Sensitivity = Literal["general", "internal", "confidential", "restricted", ""]


def install_policy_error_handler(api: NinjaAPI) -> None:
    """422 ``{"detail", "rule", "action"}`` (+ ``findings`` for a warning) for content a
    policy rule stopped."""

    def policy_error(request: HttpRequest, exc: Any) -> HttpResponse:
        body: dict[str, Any] = {"detail": exc.message, "rule": exc.rule, "action": exc.action}
        if exc.field:
            body["field"] = exc.field
        if isinstance(exc, PolicyWarning):
            body["findings"] = exc.findings
        return api.create_response(request, body, status=422)

    api.add_exception_handler(PolicyError, policy_error)


# --- schemas --------------------------------------------------------------------------------
class RuleConfig(Schema):
    words: list[ShortText] | None = Field(None, max_length=1000, description="keywords")
    pattern: ShortText | None = Field(None, description="regex (checked for safety on save)")
    countries: list[Literal["us", "uk", "de", "fr"]] | None = Field(None, description="national_id")
    allowed_domains: list[ShortText] | None = Field(None, description="email: not flagged")


class RuleOut(Schema):
    id: int
    name: str
    description: str
    detector: Detector
    config: dict[str, Any] = Field(description="The detector's settings (see RuleConfig).")
    destination: Destination
    max_sensitivity: Sensitivity
    action: Action
    enabled: bool
    position: int
    created_at: datetime
    updated_at: datetime


class RuleList(Schema):
    results: list[RuleOut]
    next: str | None


class RuleIn(Schema):
    name: ShortText
    description: ShortText = ""
    detector: Detector
    config: RuleConfig | None = None
    destination: Destination = "all"
    max_sensitivity: Sensitivity = Field(
        "", description="For label_at_most: the highest group label the rule applies to."
    )
    action: Action
    enabled: bool = True
    position: int | None = Field(None, ge=0, le=100000, description="Order (default: last).")


class RulePatch(Schema):
    name: ShortText | None = None
    description: ShortText | None = None
    detector: Detector | None = None
    config: RuleConfig | None = None
    destination: Destination | None = None
    max_sensitivity: Sensitivity | None = None
    action: Action | None = None
    enabled: bool | None = None
    position: int | None = Field(None, ge=0, le=100000)


class TestIn(Schema):
    text: LongText
    group_id: Id | None = Field(None, description="Test as if posting in this group.")
    destination: Literal["network", "external", "group"] = Field(
        "network", description="Without group_id: the network stream, or any external group."
    )
    rule: RuleIn | None = Field(
        None, description="Test this rule (not saved) instead of the active ones."
    )


class TestMatchOut(Schema):
    rule: str
    action: Action
    field: str
    what: str
    masked: str


class TestOut(Schema):
    action: Action | None = Field(description="What would happen (strictest wins); null: nothing.")
    rule: str | None
    matches: list[TestMatchOut]
    result_text: str = Field(description="The text as it would be stored (after redaction).")
    destination: str


class AuditActorOut(Schema):
    id: int
    name: str
    email: str


class AuditEventOut(Schema):
    id: int
    created_at: datetime
    actor: AuditActorOut | None
    action: str
    target_type: str
    target_id: str
    ip_address: str | None
    data: dict[str, Any]


class AuditPage(Schema):
    results: list[AuditEventOut]
    next: str | None


class AuditParams(PageParams):
    actor_id: Id | None = None
    action: ShortText = Field("", description="Exact, or a prefix ending in '.' (policy.).")
    target_type: ShortText = Field("", description="e.g. posts.post, groups.group")
    since: date | datetime | None = None
    until: date | datetime | None = None


class ExportParams(Schema):
    format: Literal["csv", "json"] = "csv"
    actor_id: Id | None = None
    action: ShortText = ""
    target_type: ShortText = ""
    since: date | datetime | None = None
    until: date | datetime | None = None


class AudienceParams(Schema):
    group_id: Id | None = None
    company_id: Id | None = None


class GuestCompanyOut(Schema):
    name: str
    guests: int


class AudienceOut(Schema):
    count: int = Field(description="Active people who will be able to read the post.")
    guests: int
    guest_companies: list[GuestCompanyOut]
    sensitivity: str
    is_external: bool
    show_warning: bool = Field(description="Guests can read it, or the label is confidential+.")
    summary: str


# --- helpers --------------------------------------------------------------------------------
def rule_json(rule: PolicyRule) -> dict[str, Any]:
    return {
        "id": rule.pk,
        "name": rule.name,
        "description": rule.description,
        "detector": rule.detector,
        "config": rule.config or {},
        "destination": rule.destination,
        "max_sensitivity": rule.max_sensitivity,
        "action": rule.action,
        "enabled": rule.enabled,
        "position": rule.position,
        "created_at": rule.created_at,
        "updated_at": rule.updated_at,
    }


def _config(config: RuleConfig | None) -> dict[str, Any]:
    if config is None:
        return {}
    return {key: value for key, value in config.dict().items() if value is not None}


def _managing_viewer(request: HttpRequest) -> Viewer:
    viewer = api_viewer(request)
    if not can_manage_policy(viewer):
        raise PermissionDenied("Only network admins and compliance officers manage policies.")
    return viewer


def _auditing_viewer(request: HttpRequest) -> Viewer:
    viewer = api_viewer(request)
    if not can_read_audit_log(viewer):
        raise PermissionDenied("Only compliance officers and network admins read the audit log.")
    return viewer


# --- rules ----------------------------------------------------------------------------------
@router.get("/policy/rules", response=responses({200: RuleList}), summary="Policy rules")
def list_rules(request: HttpRequest) -> dict[str, Any]:
    """Every rule, in evaluation order (a few dozen at most: one page)."""
    viewer = _managing_viewer(request)
    return {"results": [rule_json(rule) for rule in rules_visible_to(viewer)], "next": None}


@router.post("/policy/rules", response=responses({201: RuleOut}), summary="Add a policy rule")
def create_rule(request: HttpRequest, payload: RuleIn) -> Status:
    """A regular expression is refused (400, ``field: pattern``) when it does not compile or
    backtracks catastrophically."""
    viewer = _managing_viewer(request)
    data = payload.dict()
    data["config"] = _config(payload.config)
    rule = do_create_rule(actor=viewer.user, data=data)  # type: ignore[arg-type]
    return Status(201, rule_json(rule))


@router.get("/policy/rules/{rule_id}", response=responses({200: RuleOut}), summary="A rule")
def get_rule(request: HttpRequest, rule_id: Id) -> dict[str, Any]:
    return rule_json(access_rule_by_id(_managing_viewer(request), rule_id))


@router.patch(
    "/policy/rules/{rule_id}", response=responses({200: RuleOut}), summary="Change a rule"
)
def update_rule(request: HttpRequest, rule_id: Id, payload: RulePatch) -> dict[str, Any]:
    viewer = _managing_viewer(request)
    rule = access_rule_by_id(viewer, rule_id)
    changes = payload.dict(exclude_unset=True)
    if "config" in changes:
        changes["config"] = _config(payload.config)
    changes = {key: value for key, value in changes.items() if value is not None}
    do_update_rule(actor=viewer.user, rule=rule, changes=changes)  # type: ignore[arg-type]
    return rule_json(rule)


@router.delete("/policy/rules/{rule_id}", response=responses({204: None}), summary="Delete a rule")
def delete_rule(request: HttpRequest, rule_id: Id) -> Status:
    viewer = _managing_viewer(request)
    do_delete_rule(actor=viewer.user, rule=access_rule_by_id(viewer, rule_id))  # type: ignore[arg-type]
    return Status(204, None)


@router.post("/policy/test", response=responses({200: TestOut}), summary="Test sample text")
def try_text(request: HttpRequest, payload: TestIn) -> dict[str, Any]:
    """What the active rules (or the unsaved ``rule``) would do to ``text`` posted to the
    destination. Nothing is recorded."""
    viewer = _managing_viewer(request)
    group = access_group_by_id(viewer, payload.group_id) if payload.group_id else None
    candidate = None
    if payload.rule is not None:
        candidate = {**payload.rule.dict(), "config": _config(payload.rule.config)}
    return try_rules(
        text=payload.text, group=group, destination=payload.destination, candidate=candidate
    )


# --- audit log ------------------------------------------------------------------------------
def _filters(params: AuditParams | ExportParams) -> AuditFilters:
    return AuditFilters(
        actor_id=params.actor_id,
        action=params.action.strip(),
        target_type=params.target_type.strip(),
        since=params.since,
        until=params.until,
    )


@router.get("/audit", response=responses({200: AuditPage}), summary="The audit log")
def list_audit_events(request: HttpRequest, params: Query[AuditParams]) -> dict[str, Any]:
    """Newest first; filters combine. Read-only: entries cannot be changed or deleted."""
    viewer = _auditing_viewer(request)
    before = decode(params.cursor, int)[0] if params.cursor else None
    rows, next_id = audit_page(
        audit_events_for(viewer, _filters(params)), before=before, limit=params.limit
    )
    return {
        "results": [audit_event_json(event) for event in rows],
        "next": encode(next_id) if next_id else None,
    }


@router.get(
    "/audit/export",
    response=responses({200: Text}),
    summary="Export the audit log (CSV or JSON, streamed)",
)
def export_audit_events(request: HttpRequest, params: Query[ExportParams]) -> StreamingHttpResponse:
    """The filtered log as a streamed download (``text/csv`` or a JSON array); the export
    itself is recorded in the log (``audit.export``)."""
    viewer = _auditing_viewer(request)
    return audited_export(viewer, _filters(params), params.format)


# --- audience check -------------------------------------------------------------------------
@router.get(
    "/posts/audience", response=responses({200: AudienceOut}), summary="Who will read a post"
)
def post_audience(request: HttpRequest, params: Query[AudienceParams]) -> dict[str, Any]:
    """How many people will be able to read a post in the group (``group_id``), on the
    company's internal side (``company_id``) or on the network stream (neither), and the
    guests among them by company. For containers you may post in only."""
    viewer = api_viewer(request)
    if params.group_id is not None and params.company_id is not None:
        raise ActionError("Give group_id or company_id, not both.", field="company_id")
    group = access_group_by_id(viewer, params.group_id) if params.group_id else None
    company = access_company_by_id(viewer, params.company_id) if params.company_id else None
    if not can_post_to(viewer, group=group, company=company):
        raise PermissionDenied("You cannot post here.")
    return audience_summary(group=group, company=company).as_json()
