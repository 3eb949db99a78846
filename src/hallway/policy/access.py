"""Permission layer for policies, held content and the audit log (DESIGN §5).

- Rules: network admins and compliance officers manage them.
- Held content: compliance officers review it; its author sees their own decisions.
- Audit log: compliance officers and network admins read it; nobody changes it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from hallway.core.errors import NotFound
from hallway.core.models import AuditEvent
from hallway.core.permissions import Viewer
from hallway.policy.models import PolicyDecision, PolicyRule


def can_manage_policy(viewer: Viewer) -> bool:
    """Network admins and compliance officers (members, active)."""
    return viewer.is_member and (viewer.is_network_admin or viewer.is_compliance_officer)


def can_review_held_content(viewer: Viewer) -> bool:
    return viewer.is_member and viewer.is_compliance_officer


def can_read_audit_log(viewer: Viewer) -> bool:
    return viewer.is_member and (viewer.is_compliance_officer or viewer.is_network_admin)


def rules_visible_to(viewer: Viewer) -> QuerySet[PolicyRule]:
    if not can_manage_policy(viewer):
        return PolicyRule.objects.none()
    return PolicyRule.objects.order_by("position", "id")


def access_rule_by_id(viewer: Viewer, rule_id: int) -> PolicyRule:
    rule = rules_visible_to(viewer).filter(pk=rule_id).first()
    if rule is None:
        raise NotFound
    return rule


def decisions_visible_to(viewer: Viewer) -> QuerySet[PolicyDecision]:
    """Compliance officers: every decision; everyone else: the decisions about their own
    content."""
    if viewer.user is None:
        return PolicyDecision.objects.none()
    if can_review_held_content(viewer):
        return PolicyDecision.objects.all()
    return PolicyDecision.objects.filter(author=viewer.user)


def access_held_decision_by_id(viewer: Viewer, decision_id: int) -> PolicyDecision:
    """A decision in the review queue, for a compliance officer; NotFound otherwise."""
    if not can_review_held_content(viewer):
        raise NotFound
    decision = (
        PolicyDecision.objects.select_related("author", "post", "comment", "comment__post")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        raise NotFound
    return decision


def audit_events_visible_to(viewer: Viewer) -> QuerySet[AuditEvent]:
    if not can_read_audit_log(viewer):
        return AuditEvent.objects.none()
    return AuditEvent.objects.all()
