"""Writes for policies: rules (managed by network admins and compliance officers), the
default policy, and the review of held content. Every write is audited in its transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import viewer_for
from hallway.policy.access import can_manage_policy, can_review_held_content
from hallway.policy.detectors import NATIONAL_ID_COUNTRIES
from hallway.policy.models import SENSITIVITY_ORDER, PolicyDecision, PolicyRule, PolicyState
from hallway.policy.patterns import check_pattern

if TYPE_CHECKING:
    from hallway.accounts.models import User

MAX_WORDS = 1000
MAX_REASON = 2000
RULE_FIELDS = (
    "name",
    "description",
    "detector",
    "config",
    "destination",
    "max_sensitivity",
    "action",
    "enabled",
    "position",
)

DEFAULT_RULES: list[dict[str, Any]] = [
    {
        "name": "Payment card numbers",
        "description": "Card numbers (Luhn-checked) may not be posted anywhere.",
        "detector": PolicyRule.Detector.CARD_NUMBER,
        "destination": PolicyRule.Destination.ALL,
        "action": PolicyRule.Action.BLOCK,
        "position": 10,
    },
    {
        "name": "Private keys",
        "description": "PEM private key blocks may not be posted anywhere.",
        "detector": PolicyRule.Detector.PRIVATE_KEY,
        "destination": PolicyRule.Destination.ALL,
        "action": PolicyRule.Action.BLOCK,
        "position": 20,
    },
    {
        "name": "IBANs in external groups",
        "description": "Bank account numbers shown to guests need a justification.",
        "detector": PolicyRule.Detector.IBAN,
        "destination": PolicyRule.Destination.EXTERNAL,
        "action": PolicyRule.Action.WARN,
        "position": 30,
    },
    {
        "name": "Phone numbers in external groups",
        "description": "Phone numbers shown to guests need a justification.",
        "detector": PolicyRule.Detector.PHONE,
        "destination": PolicyRule.Destination.EXTERNAL,
        "action": PolicyRule.Action.WARN,
        "position": 40,
    },
]


def install_default_policy() -> int:
    """Create the default rules once per network (a data migration calls this; so may an
    admin command). Deleting them afterwards sticks. Returns how many rules were created."""
    with transaction.atomic():
        state, _ = PolicyState.objects.select_for_update().get_or_create(id=1)
        if state.defaults_installed_at is not None:
            return 0
        PolicyRule.objects.bulk_create([PolicyRule(**rule) for rule in DEFAULT_RULES])
        state.defaults_installed_at = timezone.now()
        state.save(update_fields=["defaults_installed_at"])
        return len(DEFAULT_RULES)


def clean_rule(data: dict[str, Any]) -> dict[str, Any]:
    """Check a rule's fields (all of them, merged with the current ones for an update)."""
    name = str(data.get("name") or "").strip()
    if not name:
        raise ActionError("Give the rule a name.", field="name")
    if len(name) > 120:
        raise ActionError("Keep the name under 120 characters.", field="name")
    description = str(data.get("description") or "").strip()[:500]
    detector = data.get("detector")
    if detector not in PolicyRule.Detector.values:
        raise ActionError("Choose a detector.", field="detector")
    destination = data.get("destination") or PolicyRule.Destination.ALL
    if destination not in PolicyRule.Destination.values:
        raise ActionError("Choose where the rule applies.", field="destination")
    max_sensitivity = str(data.get("max_sensitivity") or "")
    if destination == PolicyRule.Destination.LABEL_AT_MOST:
        if max_sensitivity not in SENSITIVITY_ORDER:
            raise ActionError(
                "Choose the highest sensitivity label the rule applies to.",
                field="max_sensitivity",
            )
    else:
        max_sensitivity = ""
    action = data.get("action")
    if action not in PolicyRule.Action.values:
        raise ActionError("Choose block, hold, warn or redact.", field="action")
    position = data.get("position", 100)
    if not isinstance(position, int) or not 0 <= position <= 100000:
        raise ActionError("The order is a number from 0 to 100000.", field="position")
    return {
        "name": name,
        "description": description,
        "detector": detector,
        "config": _clean_config(detector, data.get("config") or {}),
        "destination": destination,
        "max_sensitivity": max_sensitivity,
        "action": action,
        "enabled": bool(data.get("enabled", True)),
        "position": position,
    }


def _clean_config(detector: str, config: Any) -> dict[str, Any]:
    if not isinstance(config, dict):
        raise ActionError("The detector settings must be an object.", field="config")
    if detector == PolicyRule.Detector.KEYWORDS:
        words = config.get("words")
        if isinstance(words, str):
            words = words.splitlines()
        cleaned = [str(w).strip() for w in (words or []) if str(w).strip()]
        if not cleaned:
            raise ActionError("List at least one word or phrase, one per line.", field="words")
        if len(cleaned) > MAX_WORDS or any(len(w) > 200 for w in cleaned):
            raise ActionError(
                f"At most {MAX_WORDS} words or phrases of 200 characters.", field="words"
            )
        return {"words": list(dict.fromkeys(cleaned))}
    if detector == PolicyRule.Detector.REGEX:
        pattern = str(config.get("pattern") or "")
        check_pattern(pattern)
        return {"pattern": pattern}
    if detector == PolicyRule.Detector.NATIONAL_ID:
        countries = config.get("countries") or sorted(NATIONAL_ID_COUNTRIES)
        if not isinstance(countries, list) or not set(countries) <= NATIONAL_ID_COUNTRIES:
            raise ActionError(
                "Countries are among: " + ", ".join(sorted(NATIONAL_ID_COUNTRIES)) + ".",
                field="countries",
            )
        return {"countries": countries}
    if detector == PolicyRule.Detector.EMAIL:
        domains = config.get("allowed_domains") or []
        if isinstance(domains, str):
            domains = domains.split()
        return {"allowed_domains": [str(d).strip().lower() for d in domains if str(d).strip()]}
    return {}


def _rule_data(rule: PolicyRule) -> dict[str, Any]:
    return {name: getattr(rule, name) for name in RULE_FIELDS}


def _require_manager(actor: User) -> None:
    if not can_manage_policy(viewer_for(actor)):
        raise PermissionDenied("Only network admins and compliance officers manage policies.")


def do_create_rule(*, actor: User, data: dict[str, Any]) -> PolicyRule:
    """Add a rule (network admins and compliance officers); by default at the end."""
    _require_manager(actor)
    if "position" not in data or data["position"] is None:
        last = PolicyRule.objects.aggregate(last=Max("position"))["last"] or 0
        data = {**data, "position": last + 10}
    fields = clean_rule(data)
    with transaction.atomic():
        rule = PolicyRule.objects.create(created_by=actor, **fields)
        record_audit_event(actor=actor, action="policy.rule_create", target=rule, rule=fields)
    return rule


def do_update_rule(*, actor: User, rule: PolicyRule, changes: dict[str, Any]) -> PolicyRule:
    _require_manager(actor)
    before = _rule_data(rule)
    fields = clean_rule({**before, **changes})
    changed = {name: value for name, value in fields.items() if before[name] != value}
    if not changed:
        return rule
    with transaction.atomic():
        for name, value in changed.items():
            setattr(rule, name, value)
        rule.save()
        record_audit_event(
            actor=actor,
            action="policy.rule_update",
            target=rule,
            changes={name: {"from": before[name], "to": value} for name, value in changed.items()},
        )
    return rule


def do_delete_rule(*, actor: User, rule: PolicyRule) -> None:
    _require_manager(actor)
    with transaction.atomic():
        record_audit_event(
            actor=actor, action="policy.rule_delete", target=rule, rule=_rule_data(rule)
        )
        rule.delete()


def _check_pending(actor: User, decision: PolicyDecision) -> None:
    if not can_review_held_content(viewer_for(actor)):
        raise PermissionDenied("Only compliance officers review held content.")
    if decision.state != PolicyDecision.State.PENDING:
        raise ActionError("This content was already reviewed.", status=409)


def do_release_held(*, actor: User, decision: PolicyDecision, reason: str = "") -> PolicyDecision:
    """Publish held content (a compliance officer): it gets its container's label, and the
    side effects of a new post or comment (feeds, notifications) run now."""
    from hallway.posts.actions import release_held_comment, release_held_post

    _check_pending(actor, decision)
    reason = (reason or "").strip()[:MAX_REASON]
    with transaction.atomic():
        if decision.comment is not None:
            release_held_comment(comment=decision.comment)
        elif decision.post is not None:
            release_held_post(post=decision.post)
        _close(decision, actor=actor, state=PolicyDecision.State.RELEASED, reason=reason)
        record_audit_event(
            actor=actor,
            action="policy.release",
            target=decision.comment or decision.post,
            decision_id=decision.pk,
            rule=decision.rule_name,
            author_id=decision.author_id,
            reason=reason,
        )
    return decision


def do_reject_held(*, actor: User, decision: PolicyDecision, reason: str) -> PolicyDecision:
    """Refuse held content (a compliance officer, with a reason the author reads): it stays
    visible to its author only, with the reason on its page."""
    _check_pending(actor, decision)
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("Tell the author why.", field="reason")
    reason = reason[:MAX_REASON]
    with transaction.atomic():
        _close(decision, actor=actor, state=PolicyDecision.State.REJECTED, reason=reason)
        record_audit_event(
            actor=actor,
            action="policy.reject",
            target=decision.comment or decision.post,
            decision_id=decision.pk,
            rule=decision.rule_name,
            author_id=decision.author_id,
            reason=reason,
        )
    return decision


def _close(decision: PolicyDecision, *, actor: User | None, state: str, reason: str) -> None:
    decision.state = state
    decision.reviewer = actor
    decision.review_reason = reason
    decision.reviewed_at = timezone.now()
    decision.save(update_fields=["state", "reviewer", "review_reason", "reviewed_at"])


def close_after_scan(
    *, decision: PolicyDecision, release: bool, reason: str, findings: list[dict[str, str]]
) -> None:
    """The background file scan's verdict on held content (no person involved)."""
    from hallway.posts.actions import release_held_post

    with transaction.atomic():
        decision.findings = findings
        decision.save(update_fields=["findings"])
        if release and decision.post is not None:
            release_held_post(post=decision.post)
            _close(decision, actor=None, state=PolicyDecision.State.RELEASED, reason=reason)
            action = "policy.scan_release"
        elif reason.startswith("Blocked"):
            _close(decision, actor=None, state=PolicyDecision.State.REJECTED, reason=reason)
            action = "policy.scan_block"
        else:
            action = "policy.scan_hold"
        record_audit_event(
            actor=None,
            action=action,
            target=decision.post,
            decision_id=decision.pk,
            author_id=decision.author_id,
            reason=reason,
            findings=findings,
        )
