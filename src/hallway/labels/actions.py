"""Change the network's label rules (tighten only), audited in the same transaction."""

from __future__ import annotations

from django.db import transaction

from hallway.accounts.models import User
from hallway.core.audit import record_audit_event
from hallway.core.errors import ActionError, PermissionDenied
from hallway.core.permissions import viewer_for
from hallway.labels.access import can_manage_label_rules
from hallway.labels.models import DEFAULTS, LabelRules
from hallway.labels.rules import is_tightening


def do_update_label_rules(*, actor: User, **values: str) -> LabelRules:
    """Set some of ``external_max``, ``guest_download_max``, ``hints_max``: each the default
    or stricter. Existing groups keep their settings; the rules apply from the next change."""
    if not can_manage_label_rules(viewer_for(actor)):
        raise PermissionDenied("Only network admins and compliance officers change label rules.")
    for field, value in values.items():
        if field not in DEFAULTS:
            raise ActionError(f"Unknown label rule: {field}.", field=field)
        if not is_tightening(field, value):
            raise ActionError(
                f"Choose “{DEFAULTS[field]}” or a stricter label: the network's defaults can "
                "only be tightened.",
                field=field,
            )
    with transaction.atomic():
        rules = LabelRules.load()
        changes = {
            field: {"from": getattr(rules, field), "to": value}
            for field, value in values.items()
            if getattr(rules, field) != value
        }
        for field, value in values.items():
            setattr(rules, field, value)
        rules.save()
        if changes:
            record_audit_event(
                actor=actor, action="labels.rules_update", target=rules, changes=changes
            )
    return rules
