"""“Test against sample text”: what rules would do, without recording anything."""

from __future__ import annotations

from typing import Any

from hallway.groups.models import Group
from hallway.policy.actions import clean_rule
from hallway.policy.checks import active_rules
from hallway.policy.engine import Target, evaluate
from hallway.policy.models import PolicyRule


def _target(group: Group | None, destination: str) -> Target:
    if group is not None:
        return Target.for_container(group=group, company=None)
    if destination == "external":
        return Target(kind="group", description="an external group", is_external=True,
                      sensitivity="general")  # fmt: skip
    return Target.for_container(group=None, company=None)


def try_rules(
    *, text: str, group: Group | None, destination: str, candidate: dict[str, Any] | None
) -> dict[str, Any]:
    """The verdict on ``text``: the active rules, or one unsaved ``candidate`` rule (checked
    like a rule being saved, so a bad pattern is refused here too)."""
    if candidate is not None:
        fields = clean_rule({**candidate, "position": candidate.get("position") or 0})
        fields["enabled"] = True
        rules = [PolicyRule(**fields)]
    else:
        rules = active_rules()
    target = _target(group, destination)
    verdict = evaluate(rules, {"body": text}, target)
    rule = verdict.rule
    return {
        "action": verdict.action,
        "rule": rule.name if rule is not None else None,
        "matches": verdict.findings(),
        "result_text": verdict.redacted({"body": text})["body"],
        "destination": target.description,
    }
